package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.io.DType;
import ai.sentinel.io.StoredTensor;
import ai.sentinel.nn.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A live array stored as F32, written from the engine's own memory when the file writer reaches it:
 * no Java copy (saving a model and its optimizer used to put all of them on the heap at once, 1.6
 * GB for the SmolLM2-135M shape), and only an array that is not F32 already is converted, one at a
 * time. Bytes are written little-endian, as the format requires.
 */
public record StoredArray(NDArray array) implements StoredTensor {
    /** Each parameter's current value under its name, in the map's order. */
    public static Map<String, StoredTensor> of(Map<String, Parameter> parameters) {
        Map<String, StoredTensor> stored = new LinkedHashMap<>();
        parameters.forEach((name, p) -> stored.put(name, new StoredArray(p.value())));
        return stored;
    }

    @Override
    public DType dtype() {
        return DType.F32;
    }

    @Override
    public long[] shape() {
        return array.getShape().getShape();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
        try (NDScope scope = new NDScope()) { // frees a conversion or contiguous copy
            NDArray f32 =
                    array.getDataType() == DataType.FLOAT32
                            ? array
                            : array.toType(DataType.FLOAT32, false);
            ByteBuffer bytes = f32.toByteBuffer(true); // a view when contiguous on the CPU
            if (bytes.order() != ByteOrder.LITTLE_ENDIAN) {
                ByteBuffer little =
                        ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                little.asFloatBuffer().put(bytes.asFloatBuffer());
                bytes = little;
            }
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
    }
}
