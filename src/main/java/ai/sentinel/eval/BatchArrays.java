package ai.sentinel.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.data.Batch;
import ai.sentinel.nn.EngineArrays;

/** A batch's ids as (B, T) int64 arrays, created in the caller's scope. */
public final class BatchArrays {
    private BatchArrays() {}

    public static NDArray inputs(NDManager manager, Batch batch) {
        return EngineArrays.of(
                manager, batch.inputs(), new Shape(batch.batchSize(), batch.length()));
    }

    public static NDArray targets(NDManager manager, Batch batch) {
        return EngineArrays.of(
                manager, batch.targets(), new Shape(batch.batchSize(), batch.length()));
    }
}
