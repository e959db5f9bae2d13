package ai.sentinel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A scratch folder for a fuzz class (jqwik properties get no JUnit @TempDir); deleted after the
 * class.
 */
public final class FuzzFolder {
    private FuzzFolder() {}

    public static Path create(String name) {
        try {
            return Files.createTempDirectory("sentinel-fuzz-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
