package ai.sentinel.plasticity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressiveGrowthTest {
    private static TextDataset data() {
        int[] tokens = new int[4000];
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 4 == 0 ? r.nextInt(99) : (tokens[i - 1] * 5 + 1) % 99;
        }
        return TextDataset.split(tokens, 16, 0.2);
    }

    private static ProgressiveGrowth.Settings settings(double start, double target) {
        // 12 steps; growth over the first half (steps 2, 4 and 6), every 2 steps
        return new ProgressiveGrowth.Settings(
                GrowthMethod.GRADIENT_SENSITIVITY,
                GrowthInit.FUNCTION_PRESERVING,
                start,
                target,
                2,
                0.5,
                new GrowthSchedule(0.01f, 4, 5f, 4),
                0.01f,
                3);
    }

    private static float[] weights(CausalLm model, HeadId head) {
        List<Float> all = new ArrayList<>();
        for (HeadSlice s : model.headLayout().slices(head)) {
            try (NDArray v = s.parameter().value().get(s.index())) {
                for (float f : v.toFloatArray()) {
                    all.add(f);
                }
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    @Test
    void startsUniformlyPrunedGrowsOnScheduleAndKeepsWaitingHeadsFrozen(@TempDir Path dir)
            throws Exception {
        TextDataset data = data();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tiny(m, 4)) {
            List<RunEvent> events = new ArrayList<>();
            // 2 layers × 4 heads: start 1/8 → raised to one per layer (2); target 6 of 8
            ProgressiveGrowth growth =
                    ProgressiveGrowth.start(
                            model,
                            new HeadMeter(data.validation(), 4, 2),
                            settings(0.125, 0.75),
                            12,
                            events::add);
            assertEquals(2, model.gates().numActive());
            for (int layer = 0; layer < 2; layer++) {
                int l = layer;
                assertEquals(
                        1,
                        Plasticity.activeHeads(model).stream().filter(h -> h.layer() == l).count());
            }
            assertEquals(6, events.size(), "one pruning event per head pruned at the start");
            assertEquals(
                    List.of(2, 2, 3, 4, 4, 5, 6, 6),
                    List.of(
                            growth.targetActive(0),
                            growth.targetActive(1),
                            growth.targetActive(2),
                            growth.targetActive(3),
                            growth.targetActive(4),
                            growth.targetActive(5),
                            growth.targetActive(6),
                            growth.targetActive(11)));

            Map<HeadId, float[]> before = new HashMap<>();
            for (HeadId h : Plasticity.allHeads(model)) {
                before.put(h, weights(model, h));
            }
            List<Integer> activeBeforeStep = new ArrayList<>();
            try (Trainer t =
                    new Trainer(
                            model,
                            data,
                            new TrainConfig(
                                    12,
                                    4,
                                    LrSchedule.constant(3e-3f),
                                    AdamWConfig.defaults(),
                                    1f,
                                    0,
                                    2,
                                    0,
                                    7,
                                    false),
                            StepListener.NONE)) {
                t.addHook(growth);
                t.addHook(
                        (long step, StepContext context) ->
                                activeBeforeStep.add(model.gates().numActive()));
                t.run(dir.resolve("checkpoint"), f -> {});
            }
            assertEquals(List.of(2, 2, 3, 3, 4, 4, 6, 6, 6, 6, 6, 6), activeBeforeStep);
            assertEquals(6 + 4, events.size(), "and one growth event per head grown");

            Set<HeadId> masked = new HashSet<>(Plasticity.allHeads(model));
            masked.removeAll(growth.active());
            assertEquals(2, masked.size());
            for (HeadId h : masked) {
                assertArrayEquals(
                        before.get(h),
                        weights(model, h),
                        h + " never grew, so it must not have moved");
            }
            for (HeadId h : growth.active()) {
                assertFalse(Arrays.equals(before.get(h), weights(model, h)), h + " trained");
                assertEquals(
                        1f,
                        model.gates().gateValues()[h.layer() * 4 + h.head()],
                        1e-6f,
                        h + ": every gate has warmed up to 1 by the end");
            }
        }
    }

    /**
     * {@code train --resume --progressive}: a run stopped after a checkpoint and resumed in a new
     * process (model loaded from the checkpoint) ends with the weights, gates and events of a run
     * that never stopped.
     */
    @Test
    void aProgressiveRunStoppedAndResumedEndsAsAnUninterruptedOne(@TempDir Path dir)
            throws Exception {
        TextDataset data = data();
        TrainConfig config =
                new TrainConfig(
                        12,
                        4,
                        LrSchedule.constant(3e-3f),
                        AdamWConfig.defaults(),
                        1f,
                        0,
                        2,
                        3,
                        7,
                        false);
        TrainingRun.HeadChanges plan =
                new TrainingRun.HeadChanges(
                        Optional.of(new TrainingRun.Progressive(settings(0.125, 0.75), 2)),
                        Optional.empty(),
                        m -> List.of());
        Path whole = Files.createDirectories(dir.resolve("whole"));
        float[] expected;
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tiny(m, 4);
                TrainingRun run =
                        new TrainingRun(
                                whole, model, data, config, plan, false, StepListener.NONE)) {
            run.run(folder -> {});
            expected = allWeights(model);
        }
        Path split = Files.createDirectories(dir.resolve("split"));
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tiny(m, 4)) {
            TrainingRun[] holder = new TrainingRun[1];
            StepListener stopAtSeven =
                    new StepListener() {
                        @Override
                        public void onStep(ai.sentinel.train.StepStats stats) {
                            if (stats.step() == 7) {
                                holder[0].requestStop();
                            }
                        }
                    };
            try (TrainingRun run =
                    new TrainingRun(split, model, data, config, plan, false, stopAtSeven)) {
                holder[0] = run;
                assertTrue(run.run(folder -> {}).stoppedEarly());
            }
        }
        // the stop wrote a checkpoint at step 7; growth events of steps 8.. are not yet written
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TrainingRun.loadCheckpointModel(split, m);
                TrainingRun run =
                        new TrainingRun(
                                split, model, data, config, plan, true, StepListener.NONE)) {
            assertEquals(7, run.resume());
            run.run(folder -> {});
            assertArrayEquals(expected, allWeights(model));
        }
        assertEquals(
                Files.readAllLines(whole.resolve(TrainingRun.EVENTS)),
                Files.readAllLines(split.resolve(TrainingRun.EVENTS)));
    }

    private static float[] allWeights(CausalLm model) {
        List<Float> all = new ArrayList<>();
        for (ai.sentinel.nn.Parameter p : model.parameters()) {
            for (float f : p.value().toFloatArray()) {
                all.add(f);
            }
        }
        for (float f : model.gates().gateValues()) {
            all.add(f);
        }
        for (float f : model.gates().maskValues()) {
            all.add(f);
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> settings(0.5, 0.25));
        assertThrows(IllegalArgumentException.class, () -> settings(0, 0.5));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new ProgressiveGrowth.Settings(
                                GrowthMethod.RANDOM,
                                GrowthInit.FUNCTION_PRESERVING,
                                0.1,
                                0.7,
                                0,
                                0.5,
                                GrowthSchedule.defaults(),
                                0.01f,
                                1));
    }
}
