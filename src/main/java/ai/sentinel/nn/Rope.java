package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding (Su et al. 2021) in Hugging Face's rotate-half convention: dimensions {@code i} and
 * {@code i + D/2} of a head form a pair rotated by the angle {@code p·inv_freq_i}, so
 * {@code rope(x) = x·cos + rotate_half(x)·sin} with {@code cos = [cos(angles), cos(angles)]}. The cos and sin tables
 * of every position are computed once, from inverse frequencies the caller derives (scaling included).
 */
public final class Rope {
    private final double[] inverseFrequencies; // (D/2)
    private final NDArray cos; // (P, D)
    private final NDArray sin; // (P, D)

    public Rope(NDManager manager, double[] inverseFrequencies, int maxPositions, DataType dtype) {
        this.inverseFrequencies = inverseFrequencies.clone();
        int half = inverseFrequencies.length;
        float[] cosValues = new float[maxPositions * 2 * half];
        float[] sinValues = new float[cosValues.length];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                // angles in float32 as HF computes them (position · inv_freq, both float32)
                float angle = (float) p * (float) inverseFrequencies[i];
                int at = p * 2 * half + i;
                cosValues[at] = (float) Math.cos(angle);
                cosValues[at + half] = cosValues[at];
                sinValues[at] = (float) Math.sin(angle);
                sinValues[at + half] = sinValues[at];
            }
        }
        Shape shape = new Shape(maxPositions, 2L * half);
        this.cos = Init.ofType(EngineArrays.of(manager, cosValues, shape), dtype);
        this.sin = Init.ofType(EngineArrays.of(manager, sinValues, shape), dtype);
    }

    /** The rotation of positions {@code start .. start + length − 1}; its arrays are views in the caller's scope. */
    public Window at(int start, int length) {
        NDIndex rows = new NDIndex(start + ":" + (start + length));
        return new Window(cos.get(rows), sin.get(rows));
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
