package ai.sentinel.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** One tensor's element type, shape and little-endian bytes, as stored in a safetensors file. */
public record TensorData(DType dtype, long[] shape, ByteBuffer bytes) {
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
}
