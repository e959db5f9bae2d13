package ai.sentinel.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The logits take another product for 4–15 rows (decoding a small batch): the same values as the
 * plain one at every row count around that window.
 */
class UnembeddingTest {
    private static final long[][] LEADING = {
        {1, 1}, {1, 2}, {3, 1}, {4, 1}, {8, 1}, {2, 7}, {15, 1}, {16, 1}, {3, 9}
    };

    @Test
    void logitsEqualTheHiddenStatesTimesTheTransposedWeightForEveryRowCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(0, 1, new Shape(37, 6), DataType.FLOAT64);
            for (long[] bt : LEADING) {
                NDArray h = m.randomNormal(0, 1, new Shape(bt[0], bt[1], 6), DataType.FLOAT64);
                assertSame(h.matMul(w.transpose()), Unembedding.logits(h, w), bt);
            }
        }
    }

    private static void assertSame(NDArray expected, NDArray actual, long[] leading) {
        String what = leading[0] + " × " + leading[1] + " rows";
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what);
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-12, what);
    }
}
