package ai.sentinel.plasticity.control;

import static ai.sentinel.plasticity.control.LearnedGateFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.data.Batch;
import ai.sentinel.data.BatchSampler;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.BatchArrays;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.nn.Losses;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import ai.sentinel.train.TrainingStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnedGateControllerTest {

    @Test
    void logitsReceiveTheLossGradientThroughTheSampledGates(@TempDir Path dir) throws IOException {
        TextDataset data = data();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm trained = TinyModels.tinyWithStrongWeights(m, 1, DataType.FLOAT32);
                CausalLm probe = TinyModels.tinyWithStrongWeights(m, 1, DataType.FLOAT64)) {
            // the trainer runs in float32, the finite differences on the same weights in float64
            // (rounded apart by ~1e-7, far below the tolerance); log α = 0 puts most samples
            // inside the clamp, where the loss reaches the logits
            LearnedGateController controller =
                    controller(
                            trained,
                            config(
                                    new LearnedGateConfig.FixedPenalty(0),
                                    0,
                                    1000,
                                    0,
                                    1,
                                    PruneMode.ADAPTIVE,
                                    0),
                            new ArrayList<>());
            float[] loss = new float[1];
            try (Trainer trainer =
                    new Trainer(trained, data, training(1, 1e-3f), StepListener.NONE)) {
                trainer.addHook(controller);
                trainer.addHook(
                        new ai.sentinel.train.StepHook() {
                            @Override
                            public void beforeStep(long step, StepContext context) {}

                            @Override
                            public void afterStep(
                                    long step, TrainingStep.Outcome outcome, StepContext c) {
                                loss[0] = outcome.loss();
                            }
                        });
                trainer.run(dir, f -> {});
            }
            double[] analytic = controller.lastLossGradient();
            double[] logits = controller.logAlpha();
            double[] u = GateNoise.uniforms(SEED, 0, 0, analytic.length);
            Batch batch =
                    new BatchSampler(data.train(), 4, SEED, new BatchSampler.Position(0, 0)).next();
            double[] zero = new double[analytic.length];
            assertEquals(loss[0], lossAt(probe, batch, zero, u), 1e-5, "the step's own loss");
            int compared = 0;
            for (int i = 0; i < analytic.length; i++) {
                if (HardConcrete.LOUIZOS.sampleDerivative(0, u[i]) == 0) {
                    assertEquals(0.0, analytic[i], "head " + i + ": its gate sample was clamped");
                    continue;
                }
                double h = 1e-4;
                double[] plus = zero.clone();
                double[] minus = zero.clone();
                plus[i] = h;
                minus[i] = -h;
                double numeric =
                        (lossAt(probe, batch, plus, u) - lossAt(probe, batch, minus, u)) / (2 * h);
                // ∂L/∂g comes from a float32 backward: 1e-3 relative is well above its rounding
                assertEquals(numeric, analytic[i], 1e-3 * Math.abs(numeric) + 1e-6, "head " + i);
                assertTrue(Math.abs(analytic[i]) > 1e-5, "head " + i + " gets a gradient");
                assertTrue(logits[i] != 0, "head " + i + "'s logit moved");
                compared++;
            }
            assertTrue(compared >= 3, compared + " heads compared");
        }
    }

    /** The mean loss on {@code batch} with gates sampled at {@code u} and logits 0 + shift. */
    private static double lossAt(CausalLm model, Batch batch, double[] shift, double[] u) {
        float[] gates = new float[shift.length];
        for (int i = 0; i < gates.length; i++) {
            gates[i] = (float) HardConcrete.LOUIZOS.sample(shift[i], u[i]);
        }
        model.gates().setGates(gates);
        try (NDScope scope = new NDScope()) {
            NDArray targets = BatchArrays.targets(model.manager(), batch);
            NDArray logits =
                    model.forward(BatchArrays.inputs(model.manager(), batch), AttentionProbe.NONE);
            return Losses.crossEntropySum(logits, targets).getDouble() / targets.getShape().size();
        }
    }

    @Test
    void aPositivePenaltyLowersTheExpectedNumberOfOpenGates(@TempDir Path dir) throws IOException {
        List<RunEvent> events = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = fourByFour(m, 3)) {
            // a threshold of 0 never prunes: only the gates move
            LearnedGateController controller =
                    controller(
                            model,
                            config(
                                    new LearnedGateConfig.FixedPenalty(0.05),
                                    0,
                                    10,
                                    0,
                                    1,
                                    PruneMode.ADAPTIVE,
                                    LearnedGateConfig.DEFAULT_INITIAL_LOG_ALPHA),
                            events);
            double before = controller.expectedOpen();
            try (Trainer trainer =
                    new Trainer(model, data(), training(40, 3e-3f), StepListener.NONE)) {
                trainer.addHook(controller);
                trainer.run(dir, f -> {});
            }
            double after = controller.expectedOpen();
            assertTrue(after < before - 2, "expected open " + before + " → " + after);
            List<RunEvent.ControllerInterval> intervals = intervals(events);
            assertEquals(4, intervals.size());
            for (int i = 1; i < intervals.size(); i++) {
                assertTrue(
                        intervals.get(i).expectedOpen() < intervals.get(i - 1).expectedOpen(),
                        "interval " + i + ": " + intervals);
                assertEquals(0.05, intervals.get(i).penaltyWeight());
            }
            assertEquals(16, model.gates().numActive());
        }
    }

    @Test
    void theModelsOwnOptimizerMustNotTrainTheGates(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = fourByFour(m, 7)) {
            TrainConfig c = training(2, 1e-3f);
            TrainConfig withGates =
                    new TrainConfig(
                            c.steps(),
                            c.batchSize(),
                            c.schedule(),
                            c.optimizer(),
                            c.gradClip(),
                            c.evalEvery(),
                            c.evalBatches(),
                            c.checkpointEvery(),
                            c.seed(),
                            true);
            try (Trainer trainer = new Trainer(model, data(), withGates, StepListener.NONE)) {
                trainer.addHook(
                        controller(
                                model,
                                config(
                                        new LearnedGateConfig.FixedPenalty(0),
                                        0,
                                        1,
                                        0,
                                        1,
                                        PruneMode.ADAPTIVE,
                                        3),
                                new ArrayList<>()));
                IllegalStateException e =
                        assertThrows(IllegalStateException.class, () -> trainer.run(dir, f -> {}));
                assertTrue(e.getMessage().contains("trainGates false"), e.getMessage());
            }
        }
    }

    @Test
    void aMalformedStateIsRefusedNamingTheKey() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = fourByFour(m, 8)) {
            LearnedGateController controller =
                    controller(
                            model,
                            config(
                                    new LearnedGateConfig.TargetActive(0.5, 10),
                                    0,
                                    1,
                                    0,
                                    1,
                                    PruneMode.ADAPTIVE,
                                    3),
                            new ArrayList<>());
            var state = controller.saveState();
            controller.restoreState(state.deepCopy());
            assertEquals(state, controller.saveState(), "round trip");
            var shortLogits = state.deepCopy();
            shortLogits.add("logAlpha", new com.google.gson.JsonArray());
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> controller.restoreState(shortLogits));
            assertTrue(e.getMessage().contains("logAlpha"), e.getMessage());
            var noLambda = state.deepCopy();
            noLambda.remove("lambda1");
            e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> controller.restoreState(noLambda));
            assertTrue(e.getMessage().contains("lambda1"), e.getMessage());
            assertFalse(Arrays.stream(controller.logAlpha()).anyMatch(v -> v != 3), "unchanged");
        }
    }
}
