package ai.sentinel.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Resolves a dataset argument: a built-in corpus ({@value #EUROPARL_EN}, {@value
 * #TINY_SHAKESPEARE}), or else a path to a text file or folder. Nothing is downloaded. {@value
 * #TINY_SHAKESPEARE} is read from the data folder when a {@code tinyshakespeare.txt} lies there,
 * else from the copy inside the jar.
 */
public final class DatasetLocator {
    /** The built-in corpus: English Europarl documents shipped inside a Maven Central artifact. */
    public static final String EUROPARL_EN = "europarl-en";

    /**
     * Karpathy's tiny Shakespeare (1,115,394 bytes, public domain), shipped gzipped inside the jar.
     */
    public static final String TINY_SHAKESPEARE = "tiny_shakespeare";

    static final String TINY_SHAKESPEARE_FILE = "tinyshakespeare.txt";
    private static final String TINY_SHAKESPEARE_RESOURCE =
            "/ai/sentinel/data/tinyshakespeare.txt.gz";

    private final Path dataDir;
    private final Charset encoding;

    /**
     * @param dataDir the local data folder ({@code --data-dir} or {@code SENTINEL_DATA})
     */
    public DatasetLocator(Path dataDir) {
        this(dataDir, StandardCharsets.UTF_8);
    }

    /**
     * @param dataDir the local data folder ({@code --data-dir} or {@code SENTINEL_DATA})
     * @param encoding how text files are decoded (built-in corpora are UTF-8 whatever this says)
     */
    public DatasetLocator(Path dataDir, Charset encoding) {
        this.dataDir = dataDir;
        this.encoding = encoding;
    }

    /** The dataset's text. */
    public String read(String dataset) throws IOException {
        if (dataset.equals(EUROPARL_EN)) {
            return EuroparlCorpus.englishText();
        }
        if (isBuiltInShakespeare(dataset)) {
            try (InputStream in = new GZIPInputStream(resource(TINY_SHAKESPEARE_RESOURCE))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return TextCorpus.read(locate(dataset), encoding);
    }

    /** Where the dataset comes from, for logs. */
    public String describe(String dataset) throws IOException {
        if (dataset.equals(EUROPARL_EN)) {
            return "built-in English Europarl sample";
        }
        if (isBuiltInShakespeare(dataset)) {
            return "built-in tiny Shakespeare";
        }
        return locate(dataset).toString();
    }

    /** The file or folder a dataset names; built-in corpora have none (use {@link #read}). */
    public Path locate(String dataset) throws IOException {
        if (dataset.equals(TINY_SHAKESPEARE)
                && Files.isRegularFile(dataDir.resolve(TINY_SHAKESPEARE_FILE))) {
            return dataDir.resolve(TINY_SHAKESPEARE_FILE);
        }
        if (dataset.equals(EUROPARL_EN) || dataset.equals(TINY_SHAKESPEARE)) {
            throw new IOException("dataset " + dataset + " is built in and has no file");
        }
        Path path = Path.of(dataset);
        if (!Files.exists(path)) {
            throw new IOException(
                    "dataset \""
                            + dataset
                            + "\" is neither a built-in name ("
                            + EUROPARL_EN
                            + ", "
                            + TINY_SHAKESPEARE
                            + ") nor an existing text file or folder");
        }
        return path;
    }

    private boolean isBuiltInShakespeare(String dataset) {
        return dataset.equals(TINY_SHAKESPEARE)
                && !Files.isRegularFile(dataDir.resolve(TINY_SHAKESPEARE_FILE));
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = DatasetLocator.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(
                    "the built-in corpus " + name + " is not on the classpath; rebuild with Maven");
        }
        return in;
    }
}
