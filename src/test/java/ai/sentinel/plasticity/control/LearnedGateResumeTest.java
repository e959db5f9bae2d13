package ai.sentinel.plasticity.control;

import static ai.sentinel.plasticity.control.LearnedGateFixtures.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.Parameter;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.train.Checkpoint;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.StepStats;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import ai.sentinel.train.TrainingStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A run with the learned controller resumes bit-identically; compressed pruning keeps moments. */
class LearnedGateResumeTest {

    /** Every trained weight, the gates and the mask, as float arrays. */
    private static List<float[]> state(CausalLm model) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            out.add(p.value().toType(DataType.FLOAT32, false).toFloatArray());
        }
        out.add(model.gates().gateValues());
        out.add(model.gates().maskValues());
        return out;
    }

    /**
     * A run stopped after {@code stopAt} steps, whose first pruning check falls before or after.
     */
    record Case(String name, LearnedGateConfig config, int stopAt) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A target (λ moves) pruning at step 6, masking or removing heads before the stop; and a fixed
     * penalty pruning at step 9, removing heads after the resume, with the restored moments.
     */
    static List<Case> resumed() {
        return List.of(
                new Case("target, masked before the stop", target(PruneMode.ADAPTIVE), 14),
                new Case("target, removed before the stop", target(PruneMode.COMPRESSED), 14),
                new Case(
                        "penalty, removed after the resume",
                        config(
                                new LearnedGateConfig.FixedPenalty(0.05),
                                0,
                                3,
                                0.7,
                                1,
                                PruneMode.COMPRESSED,
                                1.5),
                        8));
    }

    private static LearnedGateConfig target(PruneMode mode) {
        return config(new LearnedGateConfig.TargetActive(0.5, 10), 4, 6, 0.9, 1, mode, 1.5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumed")
    void aResumedRunIsBitIdenticalToAnUninterruptedOne(Case run, @TempDir Path dir)
            throws IOException {
        LearnedGateConfig config = run.config();
        TrainConfig training = training(20, 3e-3f);
        List<RunEvent> whole = new ArrayList<>();
        List<float[]> wholeState;
        double[] wholeLogits;
        double wholeLambda;
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = fourByFour(m, 5)) {
            LearnedGateController controller = controller(model, config, whole);
            try (Trainer trainer = new Trainer(model, data(), training, StepListener.NONE)) {
                trainer.addHook(controller);
                trainer.run(dir.resolve("whole"), f -> {});
                controller.finish(new StepContext(trainer.optimizer(), trainer.rates()));
            }
            wholeState = state(model);
            wholeLogits = controller.logAlpha();
            wholeLambda = controller.lambda();
        }
        List<RunEvent> parts = new ArrayList<>();
        Path checkpoint = dir.resolve("parts");
        AtomicReference<Trainer> running = new AtomicReference<>();
        StepListener stop =
                new StepListener() {
                    @Override
                    public void onStep(StepStats stats) {
                        if (stats.step() == run.stopAt()) {
                            running.get().requestStop();
                        }
                    }
                };
        try (NDManager m = NDManager.newBaseManager()) {
            try (CausalLm model = fourByFour(m, 5);
                    Trainer trainer = new Trainer(model, data(), training, stop)) {
                running.set(trainer);
                trainer.addHook(controller(model, config, parts));
                assertTrue(trainer.run(checkpoint, f -> {}).stoppedEarly());
            }
            try (CausalLm model = ModelFiles.load(checkpoint.resolve(Checkpoint.MODEL_FOLDER), m);
                    Trainer trainer = new Trainer(model, data(), training, StepListener.NONE)) {
                LearnedGateController controller = controller(model, config, parts);
                trainer.addHook(controller);
                trainer.resumeFrom(checkpoint);
                trainer.run(checkpoint, f -> {});
                controller.finish(new StepContext(trainer.optimizer(), trainer.rates()));
                List<float[]> resumed = state(model);
                assertEquals(wholeState.size(), resumed.size());
                for (int i = 0; i < resumed.size(); i++) {
                    assertArrayEquals(wholeState.get(i), resumed.get(i), "array " + i);
                }
                assertArrayEquals(wholeLogits, controller.logAlpha());
                assertEquals(wholeLambda, controller.lambda());
            }
        }
        assertEquals(whole, parts);
        List<RunEvent.ControllerDecision> pruned = decisions(whole);
        long firstPruned = pruned.get(0).step();
        assertEquals(run.stopAt() == 14 ? 6 : 9, firstPruned, "the first pruning step");
        if (config.sparsity() instanceof LearnedGateConfig.TargetActive) {
            assertTrue(wholeLambda != 0, "λ moved");
        }
    }

    @Test
    void compressedPruningKeepsTheOtherHeadsOptimizerMoments(@TempDir Path dir) throws IOException {
        int every = 5;
        Map<HeadId, float[][]> before = new HashMap<>();
        int[] compared = new int[1];
        List<RunEvent> events = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = fourByFour(m, 6)) {
            LearnedGateController controller =
                    controller(
                            model,
                            config(
                                    new LearnedGateConfig.FixedPenalty(0.2),
                                    0,
                                    every,
                                    0.75,
                                    1,
                                    PruneMode.COMPRESSED,
                                    1),
                            events);
            try (Trainer trainer =
                    new Trainer(model, data(), training(12, 3e-3f), StepListener.NONE)) {
                // the moments of every head just before the controller's check, then after it
                trainer.addHook(
                        new ai.sentinel.train.StepHook() {
                            @Override
                            public void beforeStep(long step, StepContext context) {}

                            @Override
                            public void afterStep(
                                    long step, TrainingStep.Outcome outcome, StepContext c) {
                                if ((step + 1) % every == 0) {
                                    before.clear();
                                    for (int l = 0; l < 4; l++) {
                                        for (int h : model.config().headsPresent(l)) {
                                            HeadId head = new HeadId(l, h);
                                            before.put(head, moments(model, c, head));
                                        }
                                    }
                                }
                            }
                        });
                trainer.addHook(controller);
                trainer.addHook(
                        new ai.sentinel.train.StepHook() {
                            @Override
                            public void beforeStep(long step, StepContext context) {}

                            @Override
                            public void afterStep(
                                    long step, TrainingStep.Outcome outcome, StepContext c) {
                                if ((step + 1) % every == 0) {
                                    for (Map.Entry<HeadId, float[][]> e : before.entrySet()) {
                                        if (model.config().isPresent(e.getKey())) {
                                            float[][] after = moments(model, c, e.getKey());
                                            for (int i = 0; i < after.length; i++) {
                                                assertArrayEquals(
                                                        e.getValue()[i],
                                                        after[i],
                                                        e.getKey() + " slice " + i);
                                            }
                                            compared[0]++;
                                        }
                                    }
                                }
                            }
                        });
                trainer.run(dir, f -> {});
            }
            int removed = decisions(events).size();
            assertTrue(removed > 0, "heads were removed");
            assertEquals(16 - removed, model.gates().numActive());
            int present = 0;
            for (int l = 0; l < 4; l++) {
                present += model.config().numHeadsPresent(l);
                assertTrue(model.config().numHeadsPresent(l) >= 1, "a layer keeps a head");
            }
            assertEquals(16 - removed, present, "removed, not masked");
            assertTrue(compared[0] > 0, "surviving heads compared");
        }
    }

    /** The optimizer's first moment over each slice of {@code head}. */
    private static float[][] moments(CausalLm model, StepContext context, HeadId head) {
        List<HeadSlice> slices = model.headLayout().slices(head);
        float[][] out = new float[slices.size()][];
        for (int i = 0; i < out.length; i++) {
            HeadSlice s = slices.get(i);
            try (NDArray v = context.optimizer().firstMoment(s.parameter()).get(s.index())) {
                out[i] = v.toType(DataType.FLOAT32, false).toFloatArray();
            }
        }
        return out;
    }
}
