package ai.sentinel.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a safetensors file atomically. Tensors are laid out in name order and the header is padded
 * with spaces to a multiple of 8 bytes, as the reference implementation does, so identical inputs
 * give identical files.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /** A tensor's element type and shape: enough to write the header before any bytes. */
    public record Spec(DType dtype, long[] shape) {
        public Spec {
            shape = shape.clone();
        }

        long numBytes() {
            return TensorData.numElements(shape) * dtype.byteSize();
        }
    }

    /**
     * Makes one tensor's bytes when the writer reaches it, so a file far larger than memory needs
     * only one tensor at a time.
     */
    public interface Contents {
        StoredTensor tensor(String name) throws IOException;
    }

    public static void write(
            Path target, Map<String, ? extends StoredTensor> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Spec> specs = new TreeMap<>();
        tensors.forEach((name, t) -> specs.put(name, new Spec(t.dtype(), t.shape())));
        write(target, specs, metadata, tensors::get);
    }

    /**
     * Writes the tensors {@code specs} names, asking {@code contents} for each one's bytes in name
     * order; bytes that disagree with their spec are an {@link IllegalStateException}.
     */
    public static void write(
            Path target, Map<String, Spec> specs, Map<String, String> metadata, Contents contents)
            throws IOException {
        Map<String, Spec> sorted = new TreeMap<>(specs);
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Spec> e : sorted.entrySet()) {
            Spec t = e.getValue();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", t.dtype().name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += t.numBytes();
            offsets.add(offset);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        AtomicFiles.write(target, out -> writeAll(out, prefix, sorted, contents));
    }

    private static void writeAll(
            OutputStream out, ByteBuffer prefix, Map<String, Spec> specs, Contents contents)
            throws IOException {
        WritableByteChannel channel = Channels.newChannel(out);
        channel.write(prefix);
        for (Map.Entry<String, Spec> e : specs.entrySet()) {
            StoredTensor t = contents.tensor(e.getKey());
            Spec spec = e.getValue();
            if (t == null || t.dtype() != spec.dtype() || !Arrays.equals(t.shape(), spec.shape())) {
                throw mismatch(e.getKey(), spec);
            }
            CountingChannel counted = new CountingChannel(channel);
            t.writeTo(counted);
            if (counted.written != spec.numBytes()) {
                throw mismatch(e.getKey(), spec);
            }
        }
    }

    private static IllegalStateException mismatch(String name, Spec spec) {
        return new IllegalStateException(
                "tensor "
                        + Json.quote(name)
                        + " does not match its header entry "
                        + spec.dtype()
                        + " "
                        + Arrays.toString(spec.shape()));
    }

    /** Counts the bytes a tensor writes, so that one writing too few or too many is caught. */
    private static final class CountingChannel implements WritableByteChannel {
        private final WritableByteChannel out;
        private long written;

        CountingChannel(WritableByteChannel out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = out.write(src);
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() {
            // the file's channel is closed by the atomic write
        }
    }
}
