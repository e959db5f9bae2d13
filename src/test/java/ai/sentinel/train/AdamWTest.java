package ai.sentinel.train;

import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.sentinel.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /**
     * One step of AdamW from zero moments moves each weight by lr·sign(g) (plus decay), whatever
     * |g|.
     */
    private static float[] oneStep(
            NDManager m, float[] start, float[] grad, float lr, float decay, float[] rateScale) {
        Parameter p =
                new Parameter("w", m.create(start, new Shape(start.length)).duplicate(), true);
        try (AdamW opt = new AdamW(List.of(p), new AdamWConfig(0.9f, 0.999f, 1e-8f, decay), m);
                NDScope scope = new NDScope()) {
            if (rateScale != null) {
                opt.setRateScale(p, m.create(rateScale, new Shape(start.length)));
            }
            NDArray target = m.create(grad, new Shape(grad.length));
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(p.value().mul(target).sum()); // dL/dw = grad
            }
            opt.step(lr);
            return floats(p.value());
        }
    }

    /**
     * Five steps with varying gradients and rates follow torch.optim.AdamW's formula computed here
     * in double precision, on the fused path (decay and no decay, two rate groups) and on the
     * per-element-rate path (scale 1 must give the same as no scale).
     */
    /** Three steps with a gradient that changes each step; the moments spilled after the first. */
    private static float[] threeSteps(NDManager m, java.nio.file.Path spill) throws Exception {
        Parameter p = new Parameter("w", m.create(new float[] {0.5f, -1f, 2f}).duplicate(), true);
        try (AdamW opt = new AdamW(List.of(p), new AdamWConfig(0.9f, 0.95f, 1e-8f, 0.1f), m)) {
            assertFalse(opt.momentsResident(), "no moments before the first step");
            assertEquals(
                    0f,
                    ai.sentinel.io.TensorData.copyOf(opt.exportState().get("exp_avg.w"))
                            .bytes()
                            .asFloatBuffer()
                            .get(2));
            for (int step = 0; step < 3; step++) {
                try (NDScope scope = new NDScope()) {
                    NDArray target = m.create(new float[] {1f + step, -2f, 0.25f * step});
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(p.value().mul(target).sum());
                    }
                    opt.step(0.01f);
                }
                if (step == 0 && spill != null) {
                    byte[] before = exported(opt);
                    opt.spill(spill);
                    assertFalse(opt.momentsResident());
                    assertTrue(java.nio.file.Files.exists(spill));
                    assertArrayEquals(before, exported(opt), "exported from the spill as it was");
                }
            }
            if (spill != null) {
                assertFalse(java.nio.file.Files.exists(spill), "read back and deleted");
            }
            return floats(p.value());
        }
    }

    private static byte[] exported(AdamW opt) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.nio.channels.WritableByteChannel out = java.nio.channels.Channels.newChannel(bytes);
        for (ai.sentinel.io.StoredTensor t : opt.exportState().values()) {
            t.writeTo(out);
        }
        return bytes.toByteArray();
    }

    @Test
    void spilledMomentsComeBackBitForBit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(
                    threeSteps(m, null), threeSteps(m, dir.resolve("moments.safetensors")));
        }
    }

    @Test
    void stepsFollowTheAdamWFormulaOnBothPaths() {
        AdamWConfig config = new AdamWConfig(0.9f, 0.95f, 1e-8f, 0.1f);
        float[] start = {0.5f, -1.25f, 2f, 0f, 3e-3f};
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter decayed = new Parameter("a.weight", m.create(start).duplicate(), true);
            Parameter plain = new Parameter("a.bias", m.create(start).duplicate(), false);
            Parameter doubled = new Parameter("b.weight", m.create(start).duplicate(), true);
            doubled.setRateMultiplier(2f);
            Parameter scaled = new Parameter("c.weight", m.create(start).duplicate(), true);
            List<Parameter> all = List.of(decayed, plain, doubled, scaled);
            double[][] expected = new double[4][];
            try (AdamW opt = new AdamW(all, config, m)) {
                opt.setRateScale(scaled, m.ones(new Shape(start.length)));
                double[][] mom1 = new double[4][start.length];
                double[][] mom2 = new double[4][start.length];
                for (int k = 0; k < 4; k++) {
                    expected[k] = new double[start.length];
                    for (int i = 0; i < start.length; i++) {
                        expected[k][i] = start[i];
                    }
                }
                for (int t = 1; t <= 5; t++) {
                    float lr = 0.01f * t;
                    float[] grad = new float[start.length];
                    for (int i = 0; i < grad.length; i++) {
                        grad[i] = (float) Math.sin(3 * t + i) * (i + 1);
                    }
                    try (NDScope scope = new NDScope()) {
                        NDArray g = m.create(grad);
                        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                            NDArray loss = g.mul(decayed.value()).sum();
                            for (Parameter p : List.of(plain, doubled, scaled)) {
                                loss = loss.add(g.mul(p.value()).sum());
                            }
                            c.backward(loss);
                        }
                        opt.step(lr);
                        for (Parameter p : all) {
                            p.zeroGradient();
                        }
                    }
                    double[] rates = {lr, lr, 2.0 * lr, lr};
                    boolean[] decays = {true, false, true, true};
                    for (int k = 0; k < 4; k++) {
                        for (int i = 0; i < start.length; i++) {
                            double gi = grad[i];
                            mom1[k][i] = 0.9 * mom1[k][i] + 0.1 * gi;
                            mom2[k][i] = 0.95 * mom2[k][i] + 0.05 * gi * gi;
                            if (decays[k]) {
                                expected[k][i] *= 1 - rates[k] * 0.1;
                            }
                            double mHat = mom1[k][i] / (1 - Math.pow(0.9, t));
                            double vHat = mom2[k][i] / (1 - Math.pow(0.95, t));
                            expected[k][i] -= rates[k] * mHat / (Math.sqrt(vHat) + 1e-8);
                        }
                    }
                }
                for (int k = 0; k < 4; k++) {
                    float[] got = floats(all.get(k).value());
                    for (int i = 0; i < start.length; i++) {
                        assertEquals(
                                expected[k][i], got[i], 2e-6, all.get(k).name() + "[" + i + "]");
                    }
                }
            }
        }
    }

    /** Checkpoints written before the moments were stored as Adam's m and v still resume. */
    @Test
    void preScaledMomentsOfOlderCheckpointsAreReadBack() throws java.io.IOException {
        AdamWConfig config = new AdamWConfig(0.9f, 0.95f, 1e-8f, 0.1f);
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = new Parameter("w", m.create(new float[] {1f, 2f}).duplicate(), true);
            try (AdamW opt = new AdamW(List.of(p), config, m)) {
                java.util.Map<String, float[]> legacy =
                        java.util.Map.of(
                                "mu.w", new float[] {10f, -20f}, "nu.w", new float[] {40f, 60f});
                opt.importState(3, name -> java.util.Optional.ofNullable(legacy.get(name)));
                assertArrayEquals(new float[] {1f, -2f}, floats(opt.firstMoment(p)), 1e-6f);
                java.util.Map<String, ai.sentinel.io.StoredTensor> state = opt.exportState();
                assertEquals(java.util.Set.of("exp_avg.w", "exp_avg_sq.w"), state.keySet());
                java.nio.FloatBuffer v =
                        ai.sentinel.io.TensorData.copyOf(state.get("exp_avg_sq.w"))
                                .bytes()
                                .duplicate()
                                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                                .asFloatBuffer();
                assertEquals(2f, v.get(0), 1e-6f);
                assertEquals(3f, v.get(1), 1e-6f);
                assertEquals(3, opt.stepCount());
            }
        }
    }

    @Test
    void firstStepMovesEachWeightByTheRateAgainstItsGradientSign() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] after =
                    oneStep(
                            m,
                            new float[] {1f, 1f, 1f},
                            new float[] {0.5f, -3f, 1e-3f},
                            0.01f,
                            0f,
                            null);
            assertArrayEquals(new float[] {0.99f, 1.01f, 0.99f}, after, 1e-5f);
        }
    }

    @Test
    void weightDecayIsDecoupled() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] after = oneStep(m, new float[] {2f}, new float[] {1f}, 0.01f, 0.5f, null);
            assertEquals(2f * (1 - 0.01f * 0.5f) - 0.01f, after[0], 1e-5f);
        }
    }

    @Test
    void perElementRateScalesMultiplyTheEffectiveRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] scale = {1f, 5f, 0f};
            float[] after =
                    oneStep(
                            m,
                            new float[] {1f, 1f, 1f},
                            new float[] {1f, 1f, 1f},
                            0.01f,
                            0f,
                            scale);
            assertArrayEquals(new float[] {0.99f, 0.95f, 1f}, after, 1e-5f);
            Parameter p = new Parameter("w", m.zeros(new Shape(3)), true);
            try (AdamW opt = new AdamW(List.of(p), AdamWConfig.defaults(), m);
                    NDScope scope = new NDScope()) {
                opt.setRateScale(p, m.create(scale, new Shape(3)));
                assertArrayEquals(
                        new float[] {0.01f, 0.05f, 0f}, floats(opt.effectiveRate(p, 0.01f)), 1e-7f);
                assertThrows(
                        IllegalArgumentException.class,
                        () -> opt.setRateScale(p, m.ones(new Shape(4))));
            }
        }
    }

    @Test
    void momentsFollowHeadSurgerySlicesStayAligned() {
        try (NDManager m = NDManager.newBaseManager();
                ai.sentinel.model.CausalLm model = ai.sentinel.testing.TinyModels.tiny(m, 1);
                AdamW opt = new AdamW(model.parameters(), AdamWConfig.defaults(), m)) {
            ai.sentinel.model.HeadId kept = new ai.sentinel.model.HeadId(0, 3);
            ai.sentinel.model.HeadId removed = new ai.sentinel.model.HeadId(0, 1);
            // plant a distinct moment value in each head's slices: its head index + 1
            for (int h = 0; h < 4; h++) {
                for (ai.sentinel.model.HeadSlice s :
                        model.headLayout().slices(new ai.sentinel.model.HeadId(0, h))) {
                    opt.firstMoment(s.parameter()).set(s.index(), h + 1f);
                }
            }
            java.util.List<ai.sentinel.model.HeadRemap> remaps =
                    model.removeHeads(java.util.List.of(removed));
            opt.remap(remaps);
            for (ai.sentinel.model.HeadSlice s : model.headLayout().slices(kept)) {
                try (NDArray moment = opt.firstMoment(s.parameter()).get(s.index())) {
                    assertEquals(
                            4f, moment.min().getFloat(), s.parameter().name() + " after removal");
                    assertEquals(4f, moment.max().getFloat());
                }
            }
            opt.remap(model.insertHeads(java.util.List.of(removed)));
            for (ai.sentinel.model.HeadSlice s : model.headLayout().slices(removed)) {
                try (NDArray moment = opt.firstMoment(s.parameter()).get(s.index())) {
                    assertEquals(
                            0f,
                            moment.abs().max().getFloat(),
                            "a reinserted head starts with zero moments");
                }
            }
            assertEquals(
                    model.parameters().get(4).value().getShape(),
                    opt.firstMoment(model.parameters().get(4)).getShape());
        }
    }
}
