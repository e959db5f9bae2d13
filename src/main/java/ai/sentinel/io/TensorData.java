package ai.sentinel.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/** One tensor's element type, shape and little-endian bytes, as stored in a safetensors file. */
public record TensorData(DType dtype, long[] shape, ByteBuffer bytes) implements StoredTensor {
    public TensorData {
        long expected = numElements(shape) * dtype.byteSize();
        if (bytes.remaining() != expected) {
            throw new IllegalArgumentException(
                    "tensor of shape "
                            + Arrays.toString(shape)
                            + " and dtype "
                            + dtype
                            + " needs "
                            + expected
                            + " bytes, got "
                            + bytes.remaining());
        }
        shape = shape.clone();
    }

    /** {@code tensor}'s bytes, held: for tests and tensors small enough to copy. */
    public static TensorData copyOf(StoredTensor tensor) throws IOException {
        ByteBuffer buffer =
                ByteBuffer.allocate(
                                Math.toIntExact(
                                        numElements(tensor.shape()) * tensor.dtype().byteSize()))
                        .order(ByteOrder.LITTLE_ENDIAN);
        tensor.writeTo(
                new WritableByteChannel() {
                    @Override
                    public int write(ByteBuffer src) {
                        int n = src.remaining();
                        buffer.put(src);
                        return n;
                    }

                    @Override
                    public boolean isOpen() {
                        return true;
                    }

                    @Override
                    public void close() {}
                });
        return new TensorData(tensor.dtype(), tensor.shape(), buffer.flip());
    }

    public static TensorData ofFloats(float[] values, long... shape) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return new TensorData(DType.F32, shape, buffer);
    }

    public static TensorData ofLongs(long[] values, long... shape) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return new TensorData(DType.I64, shape, buffer);
    }

    public static long numElements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
        ByteBuffer remaining = bytes.duplicate();
        while (remaining.hasRemaining()) {
            out.write(remaining);
        }
    }
}
