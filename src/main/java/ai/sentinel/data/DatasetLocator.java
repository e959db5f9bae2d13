package ai.sentinel.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Resolves a dataset argument: a built-in corpus ({@value #EUROPARL_EN}, {@value
 * #TINY_SHAKESPEARE}), a named dataset with its own split ({@code wikitext-2-raw-v1}, {@code
 * wikitext-103-raw-v1}: see {@link Wikitext}), or else a path: a text file, a folder of {@code
 * .txt} files, a {@code .jsonl} file or a {@code .parquet} file (the text field or column is {@code
 * textField}). Nothing is downloaded. {@value #TINY_SHAKESPEARE} is read from the data folder when
 * a {@code tinyshakespeare.txt} lies there, else from the copy inside the jar.
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

    /**
     * The field of a {@code .jsonl} line, or column of a {@code .parquet} file, read by default.
     */
    public static final String DEFAULT_TEXT_FIELD = "text";

    private final Path dataDir;
    private final Charset encoding;
    private final String textField;
    private final HubDatasetFiles hub;

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
        this(dataDir, encoding, DEFAULT_TEXT_FIELD, HubDatasetFiles.fromEnvironment());
    }

    /**
     * @param dataDir the local data folder ({@code --data-dir} or {@code SENTINEL_DATA})
     * @param encoding how text and JSON Lines files are decoded (built-in corpora and wikitext are
     *     UTF-8 whatever this says)
     * @param textField the field of {@code .jsonl} lines, or column of {@code .parquet} files, that
     *     holds the text
     * @param hub the Hugging Face hub cache's datasets
     */
    public DatasetLocator(Path dataDir, Charset encoding, String textField, HubDatasetFiles hub) {
        this.dataDir = dataDir;
        this.encoding = encoding;
        this.textField = textField;
        this.hub = hub;
    }

    /** The dataset's text: one text, or train and validation texts of the dataset's own split. */
    public DatasetText load(String dataset) throws IOException {
        if (dataset.equals(EUROPARL_EN)) {
            return new DatasetText.Whole(
                    TextSource.of(
                            "built-in English Europarl sample", EuroparlCorpus.englishText()));
        }
        if (isBuiltInShakespeare(dataset)) {
            try (InputStream in = new GZIPInputStream(resource(TINY_SHAKESPEARE_RESOURCE))) {
                return new DatasetText.Whole(
                        TextSource.of(
                                "built-in tiny Shakespeare",
                                new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        Optional<String> wikitext = Wikitext.config(dataset);
        if (wikitext.isPresent()) {
            return Wikitext.locate(wikitext.get(), dataDir, hub).read();
        }
        Path path = locate(dataset);
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (Files.isRegularFile(path) && name.endsWith(".jsonl")) {
            return new DatasetText.Whole(JsonlCorpus.open(path, textField, encoding));
        }
        if (Files.isRegularFile(path) && name.endsWith(".parquet")) {
            return new DatasetText.Whole(ParquetCorpus.open(List.of(path), textField));
        }
        return new DatasetText.Whole(TextCorpus.open(path, encoding));
    }

    /**
     * The whole text of a dataset that is one text (built-in corpora, small files): held in memory,
     * so use {@link #load} for a corpus of any size.
     *
     * @throws IllegalArgumentException for a dataset with its own split: use {@link #load}
     */
    public String read(String dataset) throws IOException {
        if (load(dataset) instanceof DatasetText.Whole whole) {
            return whole.text().readAll();
        }
        throw new IllegalArgumentException(
                dataset + " comes with its own train/validation split; load it with load()");
    }

    /** Where the dataset comes from, for logs. */
    public String describe(String dataset) throws IOException {
        if (dataset.equals(EUROPARL_EN)) {
            return "built-in English Europarl sample";
        }
        if (isBuiltInShakespeare(dataset)) {
            return "built-in tiny Shakespeare";
        }
        Optional<String> wikitext = Wikitext.config(dataset);
        if (wikitext.isPresent()) {
            return Wikitext.locate(wikitext.get(), dataDir, hub).describe();
        }
        return locate(dataset).toString();
    }

    /**
     * The file or folder a dataset names; built-in corpora and named datasets have none (use {@link
     * #load}).
     */
    public Path locate(String dataset) throws IOException {
        if (dataset.equals(TINY_SHAKESPEARE)
                && Files.isRegularFile(dataDir.resolve(TINY_SHAKESPEARE_FILE))) {
            return dataDir.resolve(TINY_SHAKESPEARE_FILE);
        }
        if (dataset.equals(EUROPARL_EN)
                || dataset.equals(TINY_SHAKESPEARE)
                || Wikitext.config(dataset).isPresent()) {
            throw new IOException("dataset " + dataset + " is a named dataset, not one file");
        }
        Path path = Path.of(dataset);
        if (!Files.exists(path)) {
            throw new IOException(
                    "dataset \""
                            + dataset
                            + "\" is neither a dataset name ("
                            + EUROPARL_EN
                            + ", "
                            + TINY_SHAKESPEARE
                            + ", "
                            + String.join(", ", Wikitext.CONFIGS)
                            + ") nor an existing file (.txt, .jsonl, .parquet) or folder");
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
