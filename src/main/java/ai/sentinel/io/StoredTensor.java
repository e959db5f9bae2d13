package ai.sentinel.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A tensor to store in a safetensors file: its element type and shape, known before any bytes (the
 * header comes first), and its little-endian bytes, written when the writer reaches it. So a
 * model's tensors can be written straight from where they live, one at a time, without a copy of
 * the whole model on the Java heap.
 */
public interface StoredTensor {
    DType dtype();

    long[] shape();

    /** Writes exactly {@code numElements(shape) × dtype.byteSize()} bytes. */
    void writeTo(WritableByteChannel out) throws IOException;

    /** A tensor of zeros (all-zero bytes), written without holding it. */
    static StoredTensor zeros(DType dtype, long[] shape) {
        long[] dims = shape.clone();
        return new StoredTensor() {
            @Override
            public DType dtype() {
                return dtype;
            }

            @Override
            public long[] shape() {
                return dims.clone();
            }

            @Override
            public void writeTo(WritableByteChannel out) throws IOException {
                long left = TensorData.numElements(dims) * dtype.byteSize();
                ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(left, 1 << 16));
                while (left > 0) {
                    zeros.clear().limit((int) Math.min(left, zeros.capacity()));
                    while (zeros.hasRemaining()) {
                        left -= out.write(zeros);
                    }
                }
            }
        };
    }
}
