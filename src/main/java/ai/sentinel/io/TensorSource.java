package ai.sentinel.io;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/** Named tensors read on demand: one safetensors file, or the shards of a sharded checkpoint. */
public interface TensorSource extends AutoCloseable {
    /** The file or folder the tensors come from, for messages. */
    Path path();

    /** Every tensor's header entry, by name. */
    Map<String, SafetensorsFile.Entry> entries();

    /** The entry of {@code name}; an error naming the source when there is none. */
    SafetensorsFile.Entry entry(String name) throws IOException;

    /**
     * A floating-point tensor widened to F32, refused (naming it) when it holds NaN or an infinity.
     */
    float[] readFiniteFloats(String name) throws IOException;

    /**
     * As {@link #readFiniteFloats(String)}, written into {@code target} from its position on: a
     * loader reuses one buffer for every tensor instead of a fresh Java array per tensor.
     */
    void readFiniteFloats(String name, FloatBuffer target) throws IOException;

    @Override
    void close() throws IOException;
}
