package ai.sentinel.plasticity.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.model.CausalLm;
import ai.sentinel.nn.Parameter;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.TrainingRun;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.StepStats;
import ai.sentinel.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --controller --resume} through the run folder: a run whose controller prunes and
 * revives heads, stopped after a checkpoint and resumed in a new model loaded from it, ends with
 * the weights, gates, masks and the same events.jsonl and heads.jsonl as a run that never stopped.
 */
class ControllerRunResumeTest {
    @Test
    void aThresholdControllerRunResumedFromItsFolderEndsAsAnUninterruptedOne(@TempDir Path dir)
            throws Exception {
        TextDataset data = LearnedGateFixtures.data();
        TrainConfig config =
                new TrainConfig(
                        12,
                        4,
                        LrSchedule.constant(3e-3f),
                        AdamWConfig.defaults(),
                        1f,
                        0,
                        1,
                        3,
                        7,
                        false);
        // every active head qualifies for pruning and every pruned one for revival: heads churn
        ThresholdConfig rules =
                new ThresholdConfig(
                        Threshold.absolute(-1),
                        Threshold.absolute(1e9),
                        Threshold.absolute(-1),
                        Threshold.absolute(2),
                        1,
                        0.5,
                        0.5,
                        PruneMode.ADAPTIVE);
        TrainingRun.HeadChanges changes =
                new TrainingRun.HeadChanges(
                        Optional.empty(),
                        Optional.of(
                                ThresholdController.factory(
                                        new ThresholdSettings(
                                                rules,
                                                2,
                                                1,
                                                4,
                                                new GrowthSchedule(0.01f, 4, 5f, 4)),
                                        s -> {})),
                        m -> List.of());
        Path whole = Files.createDirectories(dir.resolve("whole"));
        float[] expected;
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tiny(m, 4);
                TrainingRun run =
                        new TrainingRun(
                                whole, model, data, config, changes, false, StepListener.NONE)) {
            run.run(folder -> {});
            expected = state(model);
        }
        String events = Files.readString(whole.resolve(TrainingRun.EVENTS));
        assertTrue(events.contains("controller_pruned") && events.contains("controller_revived"));

        Path split = Files.createDirectories(dir.resolve("split"));
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tiny(m, 4)) {
            TrainingRun[] holder = new TrainingRun[1];
            StepListener stopAtSeven =
                    new StepListener() {
                        @Override
                        public void onStep(StepStats stats) {
                            if (stats.step() == 7) {
                                holder[0].requestStop();
                            }
                        }
                    };
            try (TrainingRun run =
                    new TrainingRun(split, model, data, config, changes, false, stopAtSeven)) {
                holder[0] = run;
                assertTrue(run.run(folder -> {}).stoppedEarly());
            }
        }
        // what a kill after the checkpoint leaves: a decision logged past it
        Files.writeString(
                split.resolve(TrainingRun.EVENTS),
                "{\"event\":\"controller_pruned\",\"cycle\":0,\"step\":9}\n",
                java.nio.file.StandardOpenOption.APPEND);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TrainingRun.loadCheckpointModel(split, m);
                TrainingRun run =
                        new TrainingRun(
                                split, model, data, config, changes, true, StepListener.NONE)) {
            assertEquals(7, run.resume());
            run.run(folder -> {});
            assertArrayEquals(expected, state(model));
        }
        for (String log : List.of(TrainingRun.EVENTS, TrainingRun.HEADS, TrainingRun.SUMMARY)) {
            assertEquals(
                    Files.readAllLines(whole.resolve(log)),
                    Files.readAllLines(split.resolve(log)),
                    log);
        }
    }

    private static float[] state(CausalLm model) {
        List<Float> all = new ArrayList<>();
        for (Parameter p : model.parameters()) {
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
}
