package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Weight initialisation from an explicit seeded generator in Java, so a seed gives the same weights
 * whatever the engine's own random state.
 */
public final class Init {
    private Init() {}

    public static NDArray normal(
            NDManager manager, SplittableRandom random, float std, DataType dtype, long... shape) {
        int n = Math.toIntExact(new Shape(shape).size());
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return ofType(EngineArrays.of(manager, values, new Shape(shape)), dtype);
    }

    /** Converts to {@code dtype}, closing the original when a copy was made. */
    public static NDArray ofType(NDArray array, DataType dtype) {
        if (array.getDataType() == dtype) {
            return array;
        }
        NDArray converted = array.toType(dtype, true);
        array.close();
        return converted;
    }

    public static NDArray constant(NDManager manager, float value, DataType dtype, long... shape) {
        return manager.full(new Shape(shape), value, dtype);
    }
}
