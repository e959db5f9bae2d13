package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Attention masks as additive biases (the engine has no {@code triu} and its {@code where} does not
 * broadcast).
 */
public final class Masks {
    private Masks() {}

    /**
     * The causal bias for {@code numQueries} new positions that follow {@code numPast} cached ones:
     * query {@code i} (absolute position {@code numPast + i}) may see keys {@code j ≤ numPast + i};
     * the others get −∞.
     *
     * @return a (numQueries, numPast + numQueries) array in {@code manager}
     */
    public static NDArray causalBias(
            NDManager manager, int numQueries, int numPast, DataType dtype) {
        int numKeys = numPast + numQueries;
        float[] bias = new float[numQueries * numKeys];
        for (int i = 0; i < numQueries; i++) {
            for (int j = numPast + i + 1; j < numKeys; j++) {
                bias[i * numKeys + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return Init.ofType(EngineArrays.of(manager, bias, new Shape(numQueries, numKeys)), dtype);
    }
}
