package ai.sentinel.io;

import java.io.IOException;
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
}
