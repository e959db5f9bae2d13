package ai.sentinel.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.sentinel.nn.Masks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused kernel computes what the composed form computes, values and gradients. */
class CausalAttentionTest {
    @ParameterizedTest(name = "T = {0}, cached = {1}")
    @CsvSource({"7, 0", "3, 5", "1, 9"})
    void fusedEqualsComposedWithAndWithoutCachedPositions(int t, int cached) {
        try (NDManager m = NDManager.newBaseManager()) {
            int s = t + cached;
            NDArray q = m.randomNormal(0, 1, new Shape(2, 3, t, 8), DataType.FLOAT64);
            NDArray k = m.randomNormal(0, 1, new Shape(2, 3, s, 8), DataType.FLOAT64);
            NDArray v = m.randomNormal(0, 1, new Shape(2, 3, s, 8), DataType.FLOAT64);
            NDArray bias = Masks.causalBias(m, t, cached, DataType.FLOAT64);
            double[][] fused = contextAndGradients(q, k, v, bias, AttentionProbe.NONE);
            int[] observed = new int[1];
            double[][] composed =
                    contextAndGradients(q, k, v, bias, (layer, probs) -> observed[0]++);
            assertEquals(1, observed[0], "the composed form shows the probe its probabilities");
            for (int i = 0; i < fused.length; i++) {
                assertArrayEquals(composed[i], fused[i], 1e-12, i == 0 ? "context" : "gradient");
            }
        }
    }

    @Test
    void aKeyAfterTheQueryHasNoInfluence() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(0, 1, new Shape(1, 1, 4, 8), DataType.FLOAT64);
            NDArray k = m.randomNormal(0, 1, new Shape(1, 1, 4, 8), DataType.FLOAT64);
            NDArray v = m.randomNormal(0, 1, new Shape(1, 1, 4, 8), DataType.FLOAT64);
            NDArray bias = Masks.causalBias(m, 4, 0, DataType.FLOAT64);
            NDArray before = CausalAttention.context(0, q, k, v, bias, 0.5, AttentionProbe.NONE);
            NDArray changed = v.duplicate();
            changed.set(new ai.djl.ndarray.index.NDIndex("0, 0, 3"), 100.0);
            NDArray after =
                    CausalAttention.context(0, q, k, changed, bias, 0.5, AttentionProbe.NONE);
            assertArrayEquals(
                    before.get("0, 0, :3").toDoubleArray(),
                    after.get("0, 0, :3").toDoubleArray(),
                    0,
                    "positions 0..2 must not see position 3");
        }
    }

    private static double[][] contextAndGradients(
            NDArray q, NDArray k, NDArray v, NDArray bias, AttentionProbe probe) {
        NDArray[] inputs = {q.duplicate(), k.duplicate(), v.duplicate()};
        for (NDArray x : inputs) {
            x.setRequiresGradient(true);
        }
        NDArray context;
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            context =
                    CausalAttention.context(0, inputs[0], inputs[1], inputs[2], bias, 0.35, probe);
            // a weighted sum, so each output element's gradient differs
            c.backward(
                    context.mul(
                                    context.getManager()
                                            .arange(0, (int) context.size())
                                            .reshape(context.getShape())
                                            .toType(DataType.FLOAT64, false))
                            .sum());
        }
        return new double[][] {
            context.toDoubleArray(),
            inputs[0].getGradient().toDoubleArray(),
            inputs[1].getGradient().toDoubleArray(),
            inputs[2].getGradient().toDoubleArray()
        };
    }
}
