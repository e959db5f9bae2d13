package ai.sentinel.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What identifies a corpus read from files, for the token cache: its kind, each file's real path,
 * size and modification time, and the reading settings. A file changed in place gets a new
 * modification time, so stale tokens are never reused.
 */
final class Fingerprint {
    private Fingerprint() {}

    static String of(String kind, List<Path> files, String... settings) throws IOException {
        StringBuilder id = new StringBuilder(kind);
        for (String setting : settings) {
            id.append('\u0000').append(setting);
        }
        for (Path file : files) {
            id.append('\u0000')
                    .append(file.toRealPath())
                    .append('\u0000')
                    .append(Files.size(file))
                    .append('\u0000')
                    .append(Files.getLastModifiedTime(file).toMillis());
        }
        return id.toString();
    }
}
