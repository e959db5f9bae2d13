package ai.sentinel.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The seal of a folder written by {@link AtomicFiles#replaceFolder}: {@value #FILE} lists every
 * file with its size and CRC-32C and is written last, after every file is on disk. A folder without
 * it, or whose files differ from it, is incomplete (a kill while writing, a truncated copy) and is
 * never read as a checkpoint.
 */
final class FolderManifest {
    static final String FILE = "manifest.json";
    private static final String FORMAT = "sentinel-folder-manifest";
    private static final int VERSION = 1;

    private FolderManifest() {}

    static void seal(Path folder) throws IOException {
        JsonArray files = new JsonArray();
        for (Path file : listFiles(folder)) {
            try (FileChannel channel =
                    FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("path", relative(folder, file));
            entry.addProperty("bytes", Files.size(file));
            entry.addProperty("crc32c", crc(file));
            files.add(entry);
        }
        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", FORMAT);
        manifest.addProperty("format_version", VERSION);
        manifest.add("files", files);
        try (Stream<Path> folders = Files.walk(folder)) {
            for (Path f : folders.filter(Files::isDirectory).toList()) {
                AtomicFiles.syncFolder(f);
            }
        }
        AtomicFiles.writeString(folder.resolve(FILE), Json.pretty(manifest));
    }

    /**
     * True when the manifest is there, well formed, and every file it lists has its recorded size
     * and checksum.
     */
    static boolean verify(Path folder) {
        Path manifestFile = folder.resolve(FILE);
        if (!Files.isRegularFile(manifestFile)) {
            return false;
        }
        try {
            JsonObject manifest = Json.readObject(manifestFile);
            if (!FORMAT.equals(JsonFields.optString(manifest, "format", ""))
                    || JsonFields.optInt(manifest, "format_version", -1) != VERSION) {
                return false;
            }
            Path root = folder.toAbsolutePath().normalize();
            for (JsonElement e : JsonFields.asArray(manifest.get("files"), "files")) {
                JsonObject entry = JsonFields.asObject(e, "a file entry");
                Path file = root.resolve(JsonFields.requireString(entry, "path")).normalize();
                if (!file.startsWith(root)
                        || !Files.isRegularFile(file)
                        || Files.size(file) != JsonFields.requireLong(entry, "bytes")
                        || !crc(file).equals(JsonFields.requireString(entry, "crc32c"))) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // unreadable or malformed: not a complete folder
        }
    }

    private static List<Path> listFiles(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> !p.equals(folder.resolve(FILE)))
                    .sorted()
                    .forEach(files::add);
        }
        return files;
    }

    private static String relative(Path folder, Path file) {
        List<String> parts = new ArrayList<>();
        folder.relativize(file).forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }

    private static String crc(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return String.format("%08x", crc.getValue());
    }
}
