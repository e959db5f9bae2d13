package ai.sentinel.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Symbolic links whose target is gone. A Hugging Face cache snapshot holds links into {@code
 * blobs/}; an interrupted download or a cleaned cache leaves the link without its blob, which is
 * another problem than a file never there, with another fix.
 */
public final class Links {
    private Links() {}

    /**
     * "a broken link to TARGET" when {@code file} is a symbolic link whose target does not exist;
     * empty for anything else (a file, a working link, nothing at all).
     */
    public static Optional<String> broken(Path file) {
        if (!Files.isSymbolicLink(file) || Files.exists(file)) {
            return Optional.empty();
        }
        String target;
        try {
            target = Json.quote(Files.readSymbolicLink(file).toString());
        } catch (IOException | UnsupportedOperationException e) {
            target = "a target that cannot be read";
        }
        return Optional.of("a broken link to " + target);
    }

    /** Refuses {@code file} if it is a broken link, saying so; otherwise does nothing. */
    public static void requireNotBroken(Path file) throws IOException {
        Optional<String> broken = broken(file);
        if (broken.isPresent()) {
            throw new IOException(
                    file
                            + " is "
                            + broken.get()
                            + ", whose target is missing (an interrupted download or a cleaned"
                            + " cache? fetch the model again)");
        }
    }
}
