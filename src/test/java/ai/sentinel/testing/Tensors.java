package ai.sentinel.testing;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Numeric assertions that report the first differing index and the largest difference, as llm.c
 * does.
 */
public final class Tensors {
    private Tensors() {}

    public static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    public static void assertAllClose(
            float[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        int first = -1;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= tolerance) && first < 0) {
                first = i;
            }
            worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        }
        if (first >= 0) {
            fail(
                    String.format(
                            "%s: first mismatch at %d (expected %s, got %s); max |diff| %.3e > %.1e",
                            what, first, expected[first], actual[first], worst, tolerance));
        }
    }

    public static void assertAllClose(
            NDArray expected, NDArray actual, double tolerance, String what) {
        if (!expected.getShape().equals(actual.getShape())) {
            fail(
                    what
                            + ": shape "
                            + actual.getShape()
                            + " differs from expected "
                            + expected.getShape());
        }
        assertAllClose(floats(expected), floats(actual), tolerance, what);
    }

    /**
     * How far apart two evaluations of the same function may come out when they differ only in the
     * order of their sums (another BLAS, or a matrix of another shape, blocks a product
     * differently), computed in {@code dtype} and compared after conversion to float32. A dot
     * product of K terms summed in two orders differs by at most {@code 2γ_K·Σ|a_i b_i|}, {@code
     * γ_K = K·u/(1 − K·u)}, u the unit roundoff ({@code 2^-24} in float32, {@code 2^-53} in
     * float64; Higham, Accuracy and Stability of Numerical Algorithms, §3.1); a forward pass chains
     * {@code productsInSeries} of them, each passing on its inputs' error, so the terms add. {@code
     * Σ|a_i b_i|} is taken at the scale of the largest reference value: an assumption (no
     * cancellation beyond the outputs' own size), not a bound. In float64 that term is about 1e-13
     * of the scale and the tolerance is, in effect, the float32 conversion's: half an ulp on each
     * side, {@code 2^-23} of the largest value — which is why the growth checks compute in float64.
     *
     * @param longestSum the longest reduction in the pass (an MLP's hidden width, say)
     */
    public static double reorderTolerance(
            float[] reference, int longestSum, int productsInSeries, DataType dtype) {
        double u = dtype == DataType.FLOAT64 ? 0x1p-53 : 0x1p-24;
        double gamma = longestSum * u / (1 - longestSum * u);
        double scale = 0;
        for (float v : reference) {
            scale = Math.max(scale, Math.abs(v));
        }
        // each side's conversion moves it by at most half an ulp, 2^-24 of its magnitude
        double rounding = dtype == DataType.FLOAT32 ? 0 : 2 * 0x1p-24 * scale;
        return productsInSeries * 2 * gamma * scale + rounding;
    }

    public static void assertBitIdentical(float[] expected, float[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            assertAllClose(expected, actual, 0, what + " (bit-identical expected)");
            fail(what + ": differ in NaN payloads or signed zeros");
        }
    }

    public static double maxAbs(float[] values) {
        double m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
