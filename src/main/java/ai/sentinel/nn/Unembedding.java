package ai.sentinel.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Logits from final hidden states: {@code z = h·Wᵀ}, W the (V, C) unembedding weight. */
public final class Unembedding {
    private Unembedding() {}

    /**
     * @param hidden (..., C)
     * @param weight (V, C)
     * @return (..., V), possibly a strided view (for 4–15 rows on the CPU)
     */
    public static NDArray logits(NDArray hidden, NDArray weight) {
        Shape shape = hidden.getShape();
        long rows = shape.size() / shape.get(shape.dimension() - 1);
        if (rows < 4 || rows >= 16 || !Device.Type.CPU.equals(hidden.getDevice().getDeviceType())) {
            return hidden.matMul(weight.transpose());
        }
        // Why: decoding a batch gives 4–15 rows, where libtorch's CPU GEMM for (rows × C)·(C × V)
        // ran far below its memory-bound rate here (8 × 576 × 49,152: 25 ms against 7.5 ms for one
        // row); the same product as (V × C)·(C × rows), transposed back as a view, took 16 ms
        // (bench/RESULTS.md). Fewer or more rows were faster the usual way.
        NDArray flat = hidden.reshape(rows, -1);
        return weight.matMul(flat.transpose())
                .transpose()
                .reshape(shape.slice(0, shape.dimension() - 1).add(weight.getShape().get(0)));
    }
}
