package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.io.Json;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.TensorSource;
import ai.sentinel.nn.EngineArrays;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Comparator;

/**
 * Turns a checkpoint's tensors into engine arrays one at a time, through one native buffer sized
 * for the largest tensor and reused for every one: loading holds the weights already built plus a
 * single tensor's F32 copy, never a second copy of the whole model (a Java array per tensor, and
 * the direct buffer the engine wraps it in, would otherwise linger until the collector runs).
 */
public final class WeightReader {
    private final TensorSource source;
    private final ByteBuffer buffer;

    /** Refuses (naming it) a tensor above 2 GiB as F32, the most one Java buffer holds. */
    public WeightReader(TensorSource source) throws IOException {
        this.source = source;
        SafetensorsFile.Entry largest =
                source.entries().values().stream()
                        .max(Comparator.comparingLong(SafetensorsFile.Entry::numElements))
                        .orElse(null);
        long elements = largest == null ? 1 : Math.max(1, largest.numElements());
        if (elements > Integer.MAX_VALUE / 4) {
            throw new IOException(
                    source.path()
                            + ": tensor "
                            + Json.quote(largest.name())
                            + " has "
                            + elements
                            + " elements; Sentinel loads tensors of up to "
                            + Integer.MAX_VALUE / 4
                            + " (2 GiB as F32)");
        }
        this.buffer =
                ByteBuffer.allocateDirect((int) (4 * elements)).order(ByteOrder.nativeOrder());
    }

    /**
     * Tensor {@code name} widened to F32 with {@code shape} (which the caller has checked against
     * the header), in memory the engine owns; non-finite values are refused.
     */
    public NDArray read(NDManager manager, String name, Shape shape) throws IOException {
        int bytes = Math.toIntExact(4 * shape.size());
        ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
        view.clear().limit(bytes);
        source.readFiniteFloats(name, view.asFloatBuffer());
        return EngineArrays.ofNativeFloats(manager, view, shape);
    }
}
