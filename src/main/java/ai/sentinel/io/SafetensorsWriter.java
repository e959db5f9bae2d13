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
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a safetensors file atomically. Tensors are laid out in name order and the header is padded
 * with spaces to a multiple of 8 bytes, as the reference implementation does, so identical inputs
 * give identical files.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    public static void write(
            Path target, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, TensorData> sorted = new TreeMap<>(tensors);
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : sorted.entrySet()) {
            TensorData t = e.getValue();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", t.dtype().name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += t.bytes().remaining();
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
        AtomicFiles.write(target, out -> writeAll(out, prefix, sorted));
    }

    private static void writeAll(
            OutputStream out, ByteBuffer prefix, Map<String, TensorData> tensors)
            throws IOException {
        WritableByteChannel channel = Channels.newChannel(out);
        channel.write(prefix);
        for (TensorData t : tensors.values()) {
            ByteBuffer bytes = t.bytes().duplicate();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }
}
