package ai.sentinel.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves a dataset argument: {@value #EUROPARL_EN} (built in), a known name looked up in a local data folder, or
 * else a path to a text file or folder. Nothing is downloaded; a missing named dataset gets a message that says where
 * to put the file.
 */
public final class DatasetLocator {
    /** Known names and the file each expects in the data folder. */
    private static final Map<String, String> NAMED = Map.of("tiny_shakespeare", "tinyshakespeare.txt");

    /** The built-in corpus: English Europarl documents shipped inside a Maven Central artifact. */
    public static final String EUROPARL_EN = "europarl-en";

    private final Path dataDir;

    /** @param dataDir the local data folder ({@code --data-dir} or {@code SENTINEL_DATA}) */
    public DatasetLocator(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** The dataset's text. */
    public String read(String dataset) throws IOException {
        return dataset.equals(EUROPARL_EN) ? EuroparlCorpus.englishText() : TextCorpus.read(locate(dataset));
    }

    /** Where the dataset comes from, for logs. */
    public String describe(String dataset) throws IOException {
        return dataset.equals(EUROPARL_EN) ? "built-in English Europarl sample" : locate(dataset).toString();
    }

    public Path locate(String dataset) throws IOException {
        String fileName = NAMED.get(dataset);
        if (fileName != null) {
            Path file = dataDir.resolve(fileName);
            if (!Files.isRegularFile(file)) {
                throw new IOException("dataset " + dataset + " needs the file " + fileName + " in the data folder "
                        + dataDir.toAbsolutePath() + " (set it with --data-dir or SENTINEL_DATA); no download is"
                        + " attempted");
            }
            return file;
        }
        Path path = Path.of(dataset);
        if (!Files.exists(path)) {
            throw new IOException("dataset \"" + dataset + "\" is neither a known name (" + EUROPARL_EN + ", "
                    + String.join(", ", NAMED.keySet()) + ") nor an existing text file or folder");
        }
        return path;
    }
}
