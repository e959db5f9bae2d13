package ai.sentinel.train;

import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
