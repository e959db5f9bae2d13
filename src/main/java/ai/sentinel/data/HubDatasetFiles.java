package ai.sentinel.data;

import ai.sentinel.io.HubCacheLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Parquet files of one configuration of a dataset in the Hugging Face hub cache. A dataset
 * {@code org/name} is cached in {@code datasets--org--name/}; the snapshot that {@code refs/main}
 * names holds {@code <config>/<split>-00000-of-00001.parquet} (the layout of repositories that
 * store Parquet, such as {@code Salesforce/wikitext}), and the snapshot of the Hub's automatic
 * conversion ({@code refs/refs/convert/parquet}) holds {@code <config>/<split>/0000.parquet}. Files
 * may be symlinks into {@code blobs/}; they are read through the link.
 */
public final class HubDatasetFiles {
    /** The revisions looked at, in order: the repository's own files, then the Hub's conversion. */
    static final List<String> REVISIONS = List.of("main", "refs/convert/parquet");

    /** A configuration's train and validation files (shards in name order) and their snapshot. */
    public record Split(List<Path> train, List<Path> validation, Path snapshot) {}

    private final Path root;

    public HubDatasetFiles(Path root) {
        this.root = root;
    }

    public static HubDatasetFiles fromEnvironment() {
        return new HubDatasetFiles(HubCacheLayout.rootFromEnvironment());
    }

    /** The cache folder of dataset {@code org/name}. */
    public Path repo(String datasetId) {
        return root.resolve("datasets--" + datasetId.replace("/", "--"));
    }

    /**
     * The train and validation files of {@code config}, from the first revision whose snapshot
     * holds both.
     */
    public Optional<Split> find(String datasetId, String config) throws IOException {
        for (String revision : REVISIONS) {
            Optional<Path> snapshot = HubCacheLayout.snapshotAt(repo(datasetId), revision);
            if (snapshot.isEmpty()) {
                continue;
            }
            Path folder = snapshot.get().resolve(config);
            List<Path> train = splitFiles(folder, "train");
            List<Path> validation = splitFiles(folder, "validation");
            if (!train.isEmpty() && !validation.isEmpty()) {
                return Optional.of(new Split(train, validation, snapshot.get()));
            }
        }
        return Optional.empty();
    }

    private static List<Path> splitFiles(Path folder, String split) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        Path converted = folder.resolve(split);
        Path searched = Files.isDirectory(converted) ? converted : folder;
        String prefix = searched == converted ? "" : split + "-";
        try (Stream<Path> files = Files.list(searched)) {
            return files.filter(
                            f -> {
                                String name = f.getFileName().toString();
                                return name.startsWith(prefix)
                                        && name.endsWith(".parquet")
                                        && Files.isRegularFile(f); // follows blob links
                            })
                    .sorted()
                    .toList();
        }
    }
}
