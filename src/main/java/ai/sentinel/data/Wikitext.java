package ai.sentinel.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * WikiText (Merity et al. 2016), raw variants, with its own train/validation split. Found in the
 * data folder as the original zip unpacks ({@code wikitext-2-raw/wiki.train.raw}, {@code
 * wiki.valid.raw}) or in a folder named after the configuration, else in the Hugging Face hub cache
 * as {@code Salesforce/wikitext} (or the older {@code wikitext}) Parquet files.
 */
final class Wikitext {
    static final List<String> CONFIGS = List.of("wikitext-2-raw-v1", "wikitext-103-raw-v1");
    static final List<String> HUB_IDS = List.of("Salesforce/wikitext", "wikitext");
    static final String TRAIN_FILE = "wiki.train.raw";
    static final String VALIDATION_FILE = "wiki.valid.raw";

    private Wikitext() {}

    /**
     * The configuration a dataset name means: {@code wikitext-2-raw-v1}, also written {@code
     * wikitext/wikitext-2-raw-v1} or {@code Salesforce/wikitext/wikitext-2-raw-v1}.
     */
    static Optional<String> config(String dataset) {
        for (String prefix : List.of("", "wikitext/", "Salesforce/wikitext/")) {
            if (dataset.startsWith(prefix)
                    && CONFIGS.contains(dataset.substring(prefix.length()))) {
                return Optional.of(dataset.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** Where a configuration's text is: local raw files or cached Parquet files. */
    sealed interface Source {
        String describe();

        DatasetText read() throws IOException;
    }

    record RawFiles(String config, Path folder) implements Source {
        @Override
        public String describe() {
            return config + " from " + folder;
        }

        @Override
        public DatasetText read() throws IOException {
            return new DatasetText.OwnSplit(
                    TextCorpus.open(folder.resolve(TRAIN_FILE), StandardCharsets.UTF_8),
                    TextCorpus.open(folder.resolve(VALIDATION_FILE), StandardCharsets.UTF_8));
        }
    }

    record CachedParquet(String config, HubDatasetFiles.Split files) implements Source {
        @Override
        public String describe() {
            return config + " from the Hugging Face cache " + files.snapshot().resolve(config);
        }

        @Override
        public DatasetText read() throws IOException {
            return new DatasetText.OwnSplit(
                    ParquetCorpus.open(files.train(), "text"),
                    ParquetCorpus.open(files.validation(), "text"));
        }
    }

    /**
     * Finds {@code config}: the data folder first, then the hub cache.
     *
     * @throws IOException one line naming every place looked in and how to get the dataset
     */
    static Source locate(String config, Path dataDir, HubDatasetFiles hub) throws IOException {
        List<Path> folders = localFolders(config, dataDir);
        for (Path folder : folders) {
            if (Files.isRegularFile(folder.resolve(TRAIN_FILE))
                    && Files.isRegularFile(folder.resolve(VALIDATION_FILE))) {
                return new RawFiles(config, folder);
            }
        }
        List<String> looked = new ArrayList<>();
        for (Path folder : folders) {
            looked.add(folder.resolve(TRAIN_FILE) + " and " + VALIDATION_FILE);
        }
        for (String id : HUB_IDS) {
            Optional<HubDatasetFiles.Split> split = hub.find(id, config);
            if (split.isPresent()) {
                return new CachedParquet(config, split.get());
            }
            looked.add(
                    hub.repo(id)
                            + " (train and validation Parquet files of "
                            + config
                            + " in the snapshot of refs/main or refs/convert/parquet)");
        }
        String zip = config.replace("-v1", "-v1.zip");
        throw new IOException(
                "dataset "
                        + config
                        + " was not found; looked in "
                        + String.join(", ", looked)
                        + ". Get it with `python -c \"from datasets import load_dataset;"
                        + " load_dataset('Salesforce/wikitext', '"
                        + config
                        + "')\"` or `huggingface-cli download --repo-type dataset"
                        + " Salesforce/wikitext --include '"
                        + config
                        + "/*'` (set HF_HUB_CACHE or HF_HOME if your cache is elsewhere), or unzip "
                        + zip
                        + " into "
                        + dataDir
                        + " (nothing is downloaded at run time)");
    }

    /** {@code <data-dir>/<config>} and the original zip's {@code <data-dir>/wikitext-2-raw}. */
    static List<Path> localFolders(String config, Path dataDir) {
        return List.of(dataDir.resolve(config), dataDir.resolve(config.replace("-v1", "")));
    }
}
