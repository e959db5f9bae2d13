package ai.sentinel.io;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;

/** Cutting a JSONL log back to what a resumed run keeps. */
public final class JsonlFiles {
    private JsonlFiles() {}

    /**
     * Truncates {@code file} in place after its longest prefix of complete lines that parse as JSON
     * objects and satisfy {@code keep}: the first line failing either (a line half-written by a
     * killed process, a step after the checkpoint) and every line after it are removed. In place,
     * so a writer that has the file open for appending keeps writing to it. Returns the number of
     * lines kept; a missing file keeps none.
     */
    public static long cutBack(Path file, Predicate<JsonObject> keep) throws IOException {
        return cutBack(file, 0, keep);
    }

    /**
     * As {@link #cutBack(Path, Predicate)}, keeping the first {@code keptBytes} bytes (a length
     * recorded earlier) unexamined; the count returned is of the lines examined and kept.
     */
    public static long cutBack(Path file, long keptBytes, Predicate<JsonObject> keep)
            throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(file);
        long lines = 0;
        int end = (int) Math.min(keptBytes, bytes.length);
        while (end < bytes.length) {
            int newline = indexOf(bytes, (byte) '\n', end);
            if (newline < 0) {
                break; // the last line has no newline: it was cut off mid-write
            }
            String line = new String(bytes, end, newline - end, StandardCharsets.UTF_8);
            if (!line.isBlank()) {
                JsonObject o;
                try {
                    o = Json.parseObject(line, file + ":" + (lines + 1));
                } catch (JsonFormatException e) {
                    break;
                }
                if (!keep.test(o)) {
                    break;
                }
            }
            lines++;
            end = newline + 1;
        }
        if (end < bytes.length) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(end);
                channel.force(true);
            }
        }
        return lines;
    }

    /**
     * A predicate for {@link #cutBack}: lines whose integer {@code key} is absent or at most {@code
     * max}.
     */
    public static Predicate<JsonObject> atMost(String key, long max) {
        return o -> {
            if (!JsonFields.has(o, key)) {
                return true;
            }
            try {
                return JsonFields.asLong(o.get(key), key) <= max;
            } catch (IllegalArgumentException e) {
                return false;
            }
        };
    }

    /**
     * Truncates {@code file} to its first {@code bytes} bytes (a length recorded earlier); no-op
     * when shorter.
     */
    public static void truncate(Path file, long bytes) throws IOException {
        if (Files.exists(file) && Files.size(file) > bytes) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(bytes);
                channel.force(true);
            }
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
