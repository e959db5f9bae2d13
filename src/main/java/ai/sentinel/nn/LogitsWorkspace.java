package ai.sentinel.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The N×V logits array of {@link Losses#crossEntropyMean}, kept between training steps and grown
 * when a larger batch comes: a fresh array of this size is mapped anew by the allocator and
 * page-faults on its first writes, which made the nano shape's logits product run at half the
 * matmul rate (103 vs 205 GFLOP/s, bench/RESULTS.md). Like PyTorch's caching allocator it holds the
 * memory of the largest batch seen (103 MB for DistilGPT-2 at batch 4 × 128) until closed. Owned by
 * one training loop ({@code train.TrainingStep}); not for use by two threads at once.
 */
public final class LogitsWorkspace implements AutoCloseable {
    private NDManager manager; // on the buffer's device; null until first use
    private NDArray buffer;

    /** An array of at least {@code rows} × V in W's type and device, W = {@code unembedding}. */
    NDArray logits(long rows, NDArray unembedding) {
        long vocab = unembedding.getShape().get(0);
        DataType dtype = unembedding.getDataType();
        Device device = unembedding.getDevice();
        if (buffer == null
                || buffer.getShape().get(0) < rows
                || buffer.getShape().get(1) != vocab
                || buffer.getDataType() != dtype
                || !manager.getDevice().equals(device)) {
            close();
            manager = NDManager.newBaseManager(device);
            buffer = manager.zeros(new Shape(rows, vocab), dtype);
            NDScope.unregister(buffer); // kept across the steps' scopes
        }
        return buffer;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
            buffer = null;
        }
    }
}
