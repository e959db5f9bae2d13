package ai.sentinel.testing;

import ai.sentinel.data.DatasetLocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Test fixtures that live in the repository: the built-in corpora and {@code src/test/resources}.
 */
public final class Fixtures {
    private static String shakespeare;

    private Fixtures() {}

    /** Tiny Shakespeare, from the copy built into the jar (never from outside the repository). */
    public static synchronized String shakespeare() {
        if (shakespeare == null) {
            try {
                shakespeare =
                        new DatasetLocator(Path.of("no-data-folder"))
                                .read(DatasetLocator.TINY_SHAKESPEARE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shakespeare;
    }

    /** The first {@code chars} characters of tiny Shakespeare. */
    public static String shakespeare(int chars) {
        return shakespeare().substring(0, chars);
    }

    /**
     * The real GPT-2 tokenizer files ({@code src/test/resources/tokenizers/gpt2}, MIT-licensed, see
     * LICENSE there).
     */
    public static Path gpt2Tokenizer() {
        return resource("/tokenizers/gpt2");
    }

    /** A folder or file of {@code src/test/resources} as a path. */
    public static Path resource(String name) {
        URL url = Fixtures.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException(
                    "test resource " + name + " is missing from src/test/resources");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
