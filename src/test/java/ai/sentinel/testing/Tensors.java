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
