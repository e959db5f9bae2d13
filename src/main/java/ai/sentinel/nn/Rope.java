package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding (Su et al. 2021) in Hugging Face's rotate-half convention: dimensions
 * {@code i} and {@code i + D/2} of a head form a pair rotated by the angle {@code p·inv_freq_i}, so
 * {@code rope(x) = x·cos + rotate_half(x)·sin} with {@code cos = [cos(angles), cos(angles)]}.
 *
 * <p>The inverse frequencies (scaling included) are computed once by the caller; the angles of each
 * forward pass's positions are computed from them in float32, as HF does ("force float32 since
 * bfloat16 loses precision on long contexts"), so no table grows with the context length a config
 * declares.
 */
public final class Rope {
    private final double[] inverseFrequencies;
    private final NDArray inverse; // (1, D/2) float32

    public Rope(NDManager manager, double[] inverseFrequencies) {
        this.inverseFrequencies = inverseFrequencies.clone();
        float[] values = new float[inverseFrequencies.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) inverseFrequencies[i];
        }
        this.inverse = EngineArrays.of(manager, values, new Shape(1, values.length));
    }

    /**
     * The rotation of positions {@code start .. start + length − 1}, in {@code manager} (the
     * caller's scope).
     */
    public Window at(NDManager manager, int start, int length, DataType dtype) {
        NDArray positions =
                manager.arange(start, start + length, 1, DataType.FLOAT32)
                        .reshape(length, 1); // (T, 1)
        NDArray angles = positions.matMul(inverse); // (T, D/2)
        NDArray both = NDArrays.concat(new NDList(angles, angles), 1); // (T, D)
        return new Window(both.cos().toType(dtype, false), both.sin().toType(dtype, false));
    }

    /** A copy of the inverse frequencies {@code inv_freq_i}, i = 0 .. D/2 − 1. */
    public double[] inverseFrequencies() {
        return inverseFrequencies.clone();
    }

    /** The cos and sin of T consecutive positions, (T, D) each. */
    public record Window(NDArray cos, NDArray sin) {
        /** Rotates {@code x} (..., T, D). */
        public NDArray apply(NDArray x) {
            return x.mul(cos).add(rotateHalf(x).mul(sin));
        }
    }

    /** {@code [x₁, x₂] → [−x₂, x₁]} over the two halves of the last axis. */
    static NDArray rotateHalf(NDArray x) {
        int last = x.getShape().dimension() - 1; // the engine's split takes no negative axis
        NDList halves = x.split(2, last);
        return NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), last);
    }
}
