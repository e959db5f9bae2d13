package ai.sentinel.metrics;

import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.sentinel.data.Batch;
import ai.sentinel.data.TokenBlocks;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.nn.Parameter;
import ai.sentinel.testing.PlainLoss;
import ai.sentinel.testing.TinyModels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeadMeterTest {
    private static TokenBlocks blocks() {
        int[] tokens = new int[2000];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = r.nextInt(99);
        }
        return new TokenBlocks(tokens, 16);
    }

    private static Parameter param(CausalLm model, String name) {
        return model.parameters().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Grouped-query attention: a query head's magnitude is its own query and output slices plus its
     * share of the group's key and value slices (halved while its group-mate is present, whole once
     * the group-mate is removed), not the whole group's.
     */
    @Test
    void aGroupedQueryHeadIsCreditedWithItsShareOfTheGroupsKeysAndValues() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        ai.sentinel.model.Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(99, 2, 4, 32, m, 4)) {
            HeadId head = new HeadId(1, 2); // group {2, 3} of layer 1
            double own = 0;
            double shared = 0;
            for (ai.sentinel.model.HeadSlice s : model.headLayout().slices(head)) {
                if (s.weight()) {
                    float[] v = s.parameter().value().get(s.index()).toFloatArray();
                    double norm = 0;
                    for (float f : v) {
                        norm += (double) f * f;
                    }
                    boolean kv =
                            s.role() == ai.sentinel.model.HeadSlice.Role.KEY
                                    || s.role() == ai.sentinel.model.HeadSlice.Role.VALUE;
                    if (kv) {
                        shared += Math.sqrt(norm);
                    } else {
                        own += Math.sqrt(norm);
                    }
                }
            }
            assertTrue(own > 0 && shared > 0);
            HeadMeter meter = new HeadMeter(blocks(), 4, 1);
            assertEquals(
                    own + shared / 2,
                    meter.measure(model, MaskedHeads.AS_IS).magnitude().get(head),
                    1e-4 * own);
            model.removeHeads(java.util.List.of(new HeadId(1, 3)));
            assertEquals(
                    own + shared,
                    meter.measure(model, MaskedHeads.AS_IS).magnitude().get(head),
                    1e-4 * own);
        }
    }

    /**
     * Planted weights, checked by hand: every q_proj entry of a llama-nano layer is 0.5, k_proj
     * 0.25, v_proj −1, o_proj 2 (C = 32, D = 8, 4 query heads in 2 groups). A head's slices are 8 ×
     * 32 blocks (256 entries), so ‖c·1‖_F = 16|c|: own = 16 (0.5 + 2) = 40, the group's key/value
     * slices 16 (0.25 + 1) = 20, shared by two query heads (10 each) until one is removed.
     */
    @Test
    void magnitudeReportsOwnSlicesAndKeyValueShareApartOnPlantedWeights() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        ai.sentinel.model.Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(99, 2, 4, 32, m, 4)) {
            param(model, "layers.1.self_attn.q_proj.weight").value().set(new NDIndex(":"), 0.5f);
            param(model, "layers.1.self_attn.k_proj.weight").value().set(new NDIndex(":"), 0.25f);
            param(model, "layers.1.self_attn.v_proj.weight").value().set(new NDIndex(":"), -1f);
            param(model, "layers.1.self_attn.o_proj.weight").value().set(new NDIndex(":"), 2f);
            HeadMeter meter = new HeadMeter(blocks(), 4, 1);
            HeadMeasurements r = meter.measure(model, MaskedHeads.AS_IS);
            assertTrue(r.kvShared());
            for (int h = 0; h < 4; h++) {
                HeadId head = new HeadId(1, h);
                assertEquals(40.0, r.magnitudeOwn().get(head), 1e-4, "own " + head);
                assertEquals(10.0, r.magnitudeKvShare().get(head), 1e-4, "kv share " + head);
                assertEquals(50.0, r.magnitude().get(head), 1e-4, "total " + head);
            }
            model.removeHeads(java.util.List.of(new HeadId(1, 3)));
            HeadMeasurements after = meter.measure(model, MaskedHeads.AS_IS);
            assertEquals(20.0, after.magnitudeKvShare().get(new HeadId(1, 2)), 1e-4);
            assertEquals(40.0, after.magnitudeOwn().get(new HeadId(1, 2)), 1e-4);
            assertEquals(10.0, after.magnitudeKvShare().get(new HeadId(1, 0)), 1e-4);
            assertFalse(after.magnitudeKvShare().isMeasured(new HeadId(1, 3)));
        }
    }

    /**
     * The gradient norm's key/value share is the norm of the gradient of the group's k_proj and
     * v_proj rows, halved between the group's two query heads, as computed independently here.
     */
    @Test
    void gradientNormKeyValueShareMatchesAnIndependentComputation() {
        TokenBlocks blocks = blocks();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        ai.sentinel.model.Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(99, 2, 4, 32, m, 5)) {
            HeadMeasurements r = new HeadMeter(blocks, 4, 1).measure(model, MaskedHeads.AS_IS);
            try (NDScope scope = new NDScope()) {
                Batch batch = Batch.of(blocks, new int[] {0, 1, 2, 3});
                NDArray x = m.create(batch.inputs(), new Shape(4, 16));
                NDArray y = m.create(batch.targets(), new Shape(4, 16));
                model.parameters().forEach(Parameter::zeroGradient);
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    c.backward(PlainLoss.mean(model, x, y));
                }
                // head (0, 3) is in group 1: rows 8:16 of k_proj and v_proj; own: rows 24:32 of
                // q_proj, columns 24:32 of o_proj
                double kv =
                        param(model, "layers.0.self_attn.k_proj.weight")
                                        .gradient()
                                        .get(new NDIndex("8:16"))
                                        .norm()
                                        .getFloat()
                                + param(model, "layers.0.self_attn.v_proj.weight")
                                        .gradient()
                                        .get(new NDIndex("8:16"))
                                        .norm()
                                        .getFloat();
                double own =
                        param(model, "layers.0.self_attn.q_proj.weight")
                                        .gradient()
                                        .get(new NDIndex("24:32"))
                                        .norm()
                                        .getFloat()
                                + param(model, "layers.0.self_attn.o_proj.weight")
                                        .gradient()
                                        .get(new NDIndex(":, 24:32"))
                                        .norm()
                                        .getFloat();
                HeadId head = new HeadId(0, 3);
                assertTrue(kv > 0 && own > 0);
                assertEquals(kv / 2, r.gradientNormKvShare().get(head), 1e-4 * kv);
                assertEquals(own, r.gradientNormOwn().get(head), 1e-4 * own);
            }
        }
    }

    /** Multi-head attention: a head's key/value "share" is its own key and value slices, whole. */
    @Test
    void withoutGroupedQueryAttentionTheKeyValueShareIsTheHeadsOwnKeysAndValues() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 1, DataType.FLOAT32)) {
            HeadMeasurements r = new HeadMeter(blocks(), 4, 1).measure(model, MaskedHeads.AS_IS);
            assertFalse(r.kvShared());
            // head (1, 2): key columns 48:56 and value columns 80:88 of c_attn
            NDArray attn = param(model, "h.1.attn.c_attn.weight").value();
            double kv =
                    attn.get(new NDIndex(":, 48:56")).norm().getFloat()
                            + attn.get(new NDIndex(":, 80:88")).norm().getFloat();
            assertEquals(kv, r.magnitudeKvShare().get(new HeadId(1, 2)), 1e-4 * kv);
        }
    }

    @Test
    void aHeadAttendingUniformlyScoresNormalisedEntropyOneAtAnyLength() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 1, DataType.FLOAT32)) {
            // zero the query columns of head (0, 1): every score is 0, so each row is uniform over
            // its keys
            param(model, "h.0.attn.c_attn.weight").value().set(new NDIndex(":, 8:16"), 0f);
            param(model, "h.0.attn.c_attn.bias").value().set(new NDIndex("8:16"), 0f);
            HeadMeasurements r = new HeadMeter(blocks(), 4, 2).measure(model, MaskedHeads.AS_IS);
            assertEquals(1.0, r.normalizedEntropy().get(new HeadId(0, 1)), 1e-5);
            // raw entropy of a uniform row i is ln(i+1); averaged over rows 1..15
            double expected = 0;
            for (int i = 1; i < 16; i++) {
                expected += Math.log(i + 1) / 15;
            }
            assertEquals(expected, r.entropy().get(new HeadId(0, 1)), 1e-4);
            assertTrue(
                    r.normalizedEntropy().get(new HeadId(0, 0)) < 0.99,
                    "a trained-looking head is not uniform");
        }
    }

    @Test
    void gradientNormAndImportanceMatchAnIndependentComputation() {
        TokenBlocks blocks = blocks();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 2, DataType.FLOAT32)) {
            HeadMeasurements r = new HeadMeter(blocks, 4, 1).measure(model, MaskedHeads.AS_IS);
            try (NDScope scope = new NDScope()) {
                Batch batch = Batch.of(blocks, new int[] {0, 1, 2, 3});
                NDArray x = m.create(batch.inputs(), new Shape(4, 16));
                NDArray y = m.create(batch.targets(), new Shape(4, 16));
                model.parameters().forEach(Parameter::zeroGradient);
                model.gates().gate().zeroGradient();
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    c.backward(PlainLoss.mean(model, x, y));
                }
                // head (1, 2): columns 16:24, 48:56, 80:88 of c_attn and rows 16:24 of c_proj
                NDArray attn = param(model, "h.1.attn.c_attn.weight").gradient();
                NDArray proj = param(model, "h.1.attn.c_proj.weight").gradient();
                double expected = 0;
                for (String cols : new String[] {":, 16:24", ":, 48:56", ":, 80:88"}) {
                    expected += attn.get(new NDIndex(cols)).norm().getFloat();
                }
                expected += proj.get(new NDIndex("16:24, :")).norm().getFloat();
                assertEquals(expected, r.gradientNorm().get(new HeadId(1, 2)), 1e-4 * expected);
                float[] gateGrad = floats(model.gates().gate().gradient());
                assertEquals(Math.abs(gateGrad[6]), r.importance().get(new HeadId(1, 2)), 1e-6);
            }
        }
    }

    @Test
    void maskedHeadsScoreZeroAsTheyAreAndRealValuesWhenLiftedWhichIsRestoredAfterwards() {
        HeadId masked = new HeadId(0, 2);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 3, DataType.FLOAT32)) {
            model.gates().setMasked(masked, true);
            model.gates().setGate(masked, 0.7f);
            float[] gatesBefore = model.gates().gateValues();
            HeadMeter meter = new HeadMeter(blocks(), 4, 2);
            HeadMeasurements asIs = meter.measure(model, MaskedHeads.AS_IS);
            assertEquals(0.0, asIs.importance().get(masked));
            assertEquals(0.0, asIs.gradientNorm().get(masked));
            HeadMeasurements lifted = meter.measure(model, MaskedHeads.LIFTED_AT_ZERO_GATE);
            assertTrue(
                    lifted.importance().get(masked) > 1e-4,
                    "lifted importance " + lifted.importance().get(masked));
            assertNotEquals(
                    lifted.importance().get(masked), lifted.importance().get(new HeadId(0, 3)));
            assertTrue(model.gates().isMasked(masked));
            assertArrayEquals(gatesBefore, model.gates().gateValues());
            assertTrue(
                    asIs.magnitude().get(masked) > 0,
                    "weights of a masked head are kept and measured");
        }
    }
}
