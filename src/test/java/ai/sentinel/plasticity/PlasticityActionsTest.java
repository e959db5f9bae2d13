package ai.sentinel.plasticity;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static ai.sentinel.testing.Tensors.reorderTolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.data.TextDataset;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.testing.AfterStep;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlasticityActionsTest {
    private static final List<HeadId> DOOMED =
            List.of(new HeadId(0, 1), new HeadId(1, 3), new HeadId(1, 0));

    private static TextDataset data() {
        int[] tokens = new int[6000];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5 == 0 ? r.nextInt(99) : (tokens[i - 1] * 7 + 3) % 99;
        }
        return TextDataset.split(tokens, 16, 0.2);
    }

    private static float[] logits(CausalLm model) {
        try (NDScope scope = new NDScope()) {
            return floats(
                    model.forward(
                            TinyModels.tokens(model.manager(), 21, 2, 12, 99),
                            AttentionProbe.NONE));
        }
    }

    private static float[][] slices(CausalLm model, HeadId head) {
        List<HeadSlice> s = model.headLayout().slices(head);
        float[][] out = new float[s.size()][];
        for (int i = 0; i < out.length; i++) {
            try (NDArray v = s.get(i).parameter().value().get(s.get(i).index())) {
                out[i] = v.toFloatArray();
            }
        }
        return out;
    }

    private static Trainer trainer(CausalLm model, int steps) {
        return new Trainer(
                model,
                data(),
                new TrainConfig(
                        steps,
                        4,
                        LrSchedule.constant(3e-3f),
                        AdamWConfig.defaults(),
                        1f,
                        0,
                        2,
                        0,
                        1,
                        false),
                StepListener.NONE);
    }

    @Test
    void adaptiveAndCompressedPruningGiveTheSameLogitsAndCompressedReallyShrinks() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm adaptive = TinyModels.tinyWithStrongWeights(m, 1, DataType.FLOAT32);
                CausalLm compressed = TinyModels.tinyWithStrongWeights(m, 1, DataType.FLOAT32)) {
            long before = compressed.numParameters();
            assertTrue(Pruner.prune(adaptive, DOOMED, PruneMode.ADAPTIVE).isEmpty());
            Pruner.prune(compressed, DOOMED, PruneMode.COMPRESSED);
            assertAllClose(logits(adaptive), logits(compressed), 1e-5, "adaptive vs compressed");
            int perHead = 4 * 32 * 8 + 3 * 8; // q, k, v columns + c_proj rows, and q, k, v bias
            assertEquals(before - 3L * perHead, compressed.numParameters());
            assertEquals(3, compressed.config().numHeadsPresent(1) + 1);
            assertEquals(5, compressed.gates().numActive()); // 2 × 4 heads, 3 pruned
        }
    }

    @Test
    void aPrunedHeadStaysPrunedThroughTraining(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm adaptive = TinyModels.tinyWithStrongWeights(m, 2, DataType.FLOAT32);
                CausalLm compressed = TinyModels.tinyWithStrongWeights(m, 2, DataType.FLOAT32)) {
            Pruner.prune(adaptive, DOOMED, PruneMode.ADAPTIVE);
            float[][] frozen = slices(adaptive, DOOMED.get(0));
            float[][] other = slices(adaptive, new HeadId(0, 0));
            try (Trainer t = trainer(adaptive, 15)) {
                t.addHook(new HeadSchedule(adaptive, GrowthSchedule.defaults()));
                t.run(dir.resolve("a"), f -> {});
            }
            float[][] after = slices(adaptive, DOOMED.get(0));
            for (int i = 0; i < frozen.length; i++) {
                assertArrayEquals(frozen[i], after[i], "slice " + i + " of a masked head moved");
            }
            assertFalse(
                    java.util.Arrays.equals(other[0], slices(adaptive, new HeadId(0, 0))[0]),
                    "others train");
            assertTrue(adaptive.gates().isMasked(DOOMED.get(0)));

            Pruner.prune(compressed, DOOMED, PruneMode.COMPRESSED);
            try (Trainer t = trainer(compressed, 15)) {
                t.run(dir.resolve("c"), f -> {});
            }
            assertEquals(3, compressed.config().numHeadsPresent(0));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> compressed.headLayout().slices(DOOMED.get(0)));
            ModelFiles.save(compressed, dir.resolve("saved"));
            try (CausalLm reloaded = ModelFiles.load(dir.resolve("saved"), m)) {
                assertAllClose(
                        logits(compressed),
                        logits(reloaded),
                        0,
                        "compressed checkpoint round trip");
                assertEquals(compressed.numParameters(), reloaded.numParameters());
            }
        }
    }

    @Test
    void functionPreservingGrowthLeavesLogitsUnchangedInBothModes() {
        for (PruneMode mode : PruneMode.values()) {
            try (NDManager m = NDManager.newBaseManager();
                    CausalLm model = TinyModels.tinyWithStrongWeights(m, 3, DataType.FLOAT64)) {
                Pruner.prune(model, DOOMED, mode);
                float[] pruned = logits(model);
                // in float64, so that a BLAS summing the grown shapes in another order moves the
                // logits far below what a head that did not start silent would (OpenBLAS did by
                // 1.9e-6 in float32): 2 layers of 6 products and the unembedding, the longest sum
                // the MLP's 4 × 32
                double tolerance = reorderTolerance(pruned, 4 * 32, 6 * 2 + 1, DataType.FLOAT64);
                long params = model.numParameters();
                HeadMeasurements measured =
                        new HeadMeter(data().validation(), 2, 1).measure(model, MaskedHeads.AS_IS);
                Grower.grow(
                        model,
                        DOOMED.subList(0, 2),
                        GrowthInit.FUNCTION_PRESERVING,
                        0.01f,
                        0.01f,
                        measured.importance(),
                        9);
                assertAllClose(
                        pruned,
                        logits(model),
                        tolerance,
                        mode + ": logits at the instant of growth");
                assertEquals(7, model.gates().numActive()); // 5 active + 2 grown
                if (mode == PruneMode.COMPRESSED) {
                    assertTrue(
                            model.numParameters() > params, "compressed growth adds slices back");
                }
                assertEquals(0.01f, model.gates().gateValue(DOOMED.get(0)), 1e-7);
            }
        }
    }

    @Test
    void otherInitialisationsChangeTheModelAndReviveNeedsStoredWeights() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 3, DataType.FLOAT32)) {
            float[][] stored = slices(model, DOOMED.get(0));
            Pruner.prune(model, DOOMED, PruneMode.ADAPTIVE);
            HeadMeasurements measured =
                    new HeadMeter(data().validation(), 2, 1).measure(model, MaskedHeads.AS_IS);
            Grower.grow(
                    model,
                    List.of(DOOMED.get(0)),
                    GrowthInit.REVIVE,
                    1f,
                    0.01f,
                    measured.importance(),
                    1);
            assertArrayEquals(stored[0], slices(model, DOOMED.get(0))[0]);
            Grower.grow(
                    model,
                    List.of(DOOMED.get(1)),
                    GrowthInit.SCALED,
                    1f,
                    0.01f,
                    measured.importance(),
                    1);
            HeadId donorHead =
                    measured.importance().get(new HeadId(1, 1))
                                    > measured.importance().get(new HeadId(1, 2))
                            ? new HeadId(1, 1)
                            : new HeadId(1, 2); // layer 1's active heads
            float[][] donor = slices(model, donorHead);
            Grower.grow(
                    model,
                    List.of(DOOMED.get(2)),
                    GrowthInit.COPY,
                    1f,
                    0.01f,
                    measured.importance(),
                    1);
            float[][] copied = slices(model, DOOMED.get(2));
            for (int i = 0; i < donor.length; i++) {
                assertAllClose(donor[i], copied[i], 0.01, "copy of " + donorHead + ", slice " + i);
                assertFalse(java.util.Arrays.equals(donor[i], copied[i]), "noise was added");
            }
        }
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 3, DataType.FLOAT32)) {
            Pruner.prune(model, DOOMED, PruneMode.COMPRESSED);
            HeadMeasurements measured =
                    new HeadMeter(data().validation(), 2, 1).measure(model, MaskedHeads.AS_IS);
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            Grower.grow(
                                    model,
                                    DOOMED,
                                    GrowthInit.REVIVE,
                                    1f,
                                    0.01f,
                                    measured.importance(),
                                    1));
        }
    }

    @Test
    void warmUpGateFollowsTheScheduleAndNewHeadsTrainAtTheBoostedRate(@TempDir Path dir)
            throws Exception {
        GrowthSchedule schedule = new GrowthSchedule(0.01f, 10, 5f, 20);
        HeadId grown = DOOMED.get(0);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 4, DataType.FLOAT32)) {
            Pruner.prune(model, DOOMED, PruneMode.ADAPTIVE);
            HeadMeasurements measured =
                    new HeadMeter(data().validation(), 2, 1).measure(model, MaskedHeads.AS_IS);
            Grower.grow(
                    model,
                    List.of(grown),
                    GrowthInit.FUNCTION_PRESERVING,
                    schedule.gate(0),
                    0.01f,
                    measured.importance(),
                    1);
            HeadSchedule heads = new HeadSchedule(model, schedule);
            heads.grown(List.of(grown), 0);
            float base = 3e-3f;
            try (Trainer t = trainer(model, 6)) {
                float[] gates = new float[6];
                t.addHook(heads);
                t.addHook(
                        (AfterStep)
                                (step, optimizer) -> {
                                    gates[(int) step] = model.gates().gateValue(grown);
                                    HeadSlice q = model.headLayout().slices(grown).get(0);
                                    HeadSlice other =
                                            model.headLayout().slices(new HeadId(0, 0)).get(0);
                                    HeadSlice masked =
                                            model.headLayout().slices(DOOMED.get(1)).get(0);
                                    try (NDScope scope = new NDScope()) {
                                        NDArray rate = optimizer.effectiveRate(q.parameter(), base);
                                        assertAllClose(
                                                new float[] {base * schedule.rateMultiplier(step)},
                                                new float[] {rate.get(q.index()).max().getFloat()},
                                                1e-9,
                                                "new head's rate");
                                        assertEquals(
                                                rate.get(q.index()).min().getFloat(),
                                                rate.get(q.index()).max().getFloat());
                                        assertEquals(
                                                base,
                                                optimizer
                                                        .effectiveRate(other.parameter(), base)
                                                        .get(other.index())
                                                        .max()
                                                        .getFloat(),
                                                1e-9);
                                        assertEquals(
                                                0f,
                                                optimizer
                                                        .effectiveRate(masked.parameter(), base)
                                                        .get(masked.index())
                                                        .max()
                                                        .getFloat(),
                                                "a masked head is frozen");
                                    }
                                });
                t.run(dir.resolve("w"), f -> {});
                for (int s = 0; s < 6; s++) {
                    assertEquals(Math.min(1, 0.01 + 0.99 * s / 10), gates[s], 1e-6, "s(" + s + ")");
                }
            }
            assertEquals(5f, schedule.rateMultiplier(0));
            assertEquals(3f, schedule.rateMultiplier(10), 1e-6);
            assertEquals(1f, schedule.rateMultiplier(25));
        }
    }

    @Test
    void gradientSensitivityScoresDifferOnARealBatchAndTheTopHeadIsChosen() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 6, DataType.FLOAT32)) {
            Pruner.prune(model, DOOMED, PruneMode.ADAPTIVE);
            float[] before = logits(model);
            HeadMeter meter = new HeadMeter(data().validation(), 4, 2);
            HeadMeasurements zero = meter.measure(model, MaskedHeads.LIFTED_AT_ZERO_GATE);
            assertAllClose(before, logits(model), 0, "measuring changed the model");
            Map<Integer, Integer> active = Map.of(0, 3, 1, 2);
            GrowthInputs in =
                    new GrowthInputs(
                            Set.copyOf(DOOMED),
                            zero,
                            meter.measure(model, MaskedHeads.LIFTED_AT_FULL_GATE),
                            active,
                            1);
            double[] scores = DOOMED.stream().mapToDouble(h -> zero.importance().get(h)).toArray();
            assertNotEquals(scores[0], scores[1]);
            assertNotEquals(scores[1], scores[2]);
            HeadId best = DOOMED.get(0);
            for (HeadId h : DOOMED) {
                if (zero.importance().get(h) > zero.importance().get(best)) {
                    best = h;
                }
            }
            assertEquals(best, GrowthMethod.GRADIENT_SENSITIVITY.strategy().rank(in).get(0));
            assertEquals(
                    new HeadId(1, 0).layer(),
                    GrowthMethod.BALANCED.strategy().rank(in).get(0).layer(),
                    "balanced grows the layer with fewest active heads first");
            assertEquals(
                    GrowthMethod.RANDOM.strategy().rank(in),
                    GrowthMethod.RANDOM.strategy().rank(in));
        }
    }
}
