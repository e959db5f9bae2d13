package ai.sentinel.cli;

import ai.sentinel.data.DatasetLocator;
import ai.sentinel.data.DatasetText;
import ai.sentinel.data.HubDatasetFiles;
import ai.sentinel.data.TextDataset;
import ai.sentinel.data.TextSource;
import ai.sentinel.data.TokenCache;
import ai.sentinel.data.TokenSequence;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the text comes from and how it is cut into blocks. */
final class DataOptions {
    /** Smaller corpora tokenise in a few seconds: no bar. */
    private static final long PROGRESS_BAR_BYTES = 4_000_000;

    @Option(
            names = "--dataset",
            defaultValue = "tiny_shakespeare",
            paramLabel = "NAME|PATH",
            description =
                    "europarl-en or tiny_shakespeare (both built in; a tinyshakespeare.txt in the data folder"
                            + " takes precedence); wikitext-2-raw-v1 or wikitext-103-raw-v1 (also"
                            + " wikitext/NAME), with their own train/validation split, from"
                            + " the raw files of the original zip in DATA-DIR/NAME or DATA-DIR/wikitext-2-raw,"
                            + " else from the Hugging Face hub cache"
                            + " (Salesforce/wikitext Parquet files); a text file, a folder of .txt files,"
                            + " a JSON Lines file (*.jsonl: one object per line) or a Parquet file (*.parquet)."
                            + " Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(
            names = "--text-field",
            defaultValue = DatasetLocator.DEFAULT_TEXT_FIELD,
            paramLabel = "NAME",
            description =
                    "The field of each JSON line (or the Parquet column) that holds the text."
                            + " Default: ${DEFAULT-VALUE}.")
    String textField;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Folder holding named datasets. Default: $SENTINEL_DATA, else ./data.")
    Path dataDir;

    @Option(
            names = "--encoding",
            defaultValue = "UTF-8",
            paramLabel = "CHARSET",
            description =
                    "Encoding of text files (UTF-8, ISO-8859-1, windows-1252, ...); invalid bytes are an error,"
                            + " never replaced. Default: ${DEFAULT-VALUE}.")
    String encoding;

    @Option(
            names = "--token-cache",
            paramLabel = "DIR",
            description =
                    "Folder for tokenised corpora, reused while the files, the reading settings and the"
                            + " tokenizer stay the same. Default: $SENTINEL_CACHE/tokens, else"
                            + " ~/.cache/sentinel/tokens.")
    Path tokenCache;

    @Mixin CommonOptions.SeqLen seqLen;

    @Option(
            names = "--validation-fraction",
            defaultValue = "0.1",
            description =
                    "Share of the text (its end) held out for validation; not used by datasets with"
                            + " their own split (wikitext). Default: ${DEFAULT-VALUE}.")
    double validationFraction;

    /** Whether --dataset was given on the command line (rather than left at its default). */
    boolean datasetGiven(picocli.CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getParseResult().hasMatchedOption("--dataset");
    }

    Path resolveDataDir() {
        if (dataDir != null) {
            return dataDir;
        }
        String env = System.getenv("SENTINEL_DATA");
        return Path.of(env != null && !env.isBlank() ? env : "data");
    }

    /** Where the text comes from, for logs and run configs. */
    String describe() throws IOException {
        return locator().describe(dataset);
    }

    private DatasetLocator locator() {
        Charset charset;
        try {
            charset = Charset.forName(encoding);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--encoding "
                            + encoding
                            + " is not a character set this Java knows"
                            + " (for example UTF-8, ISO-8859-1, windows-1252)");
        }
        return new DatasetLocator(
                resolveDataDir(), charset, textField, HubDatasetFiles.fromEnvironment());
    }

    /** Reads, tokenises and splits the dataset; checks every id fits the model's vocabulary. */
    TextDataset load(Tokenizer tokenizer, int modelVocab, int maxPositions) throws IOException {
        int blockLength = seqLen.seqLen;
        if (blockLength < 1 || blockLength > maxPositions) {
            throw new IllegalArgumentException(
                    "--seq-len must be in 1.."
                            + maxPositions
                            + " for this model, got "
                            + blockLength);
        }
        DatasetText text = locator().load(dataset);
        TokenCache cache =
                new TokenCache(tokenCache != null ? tokenCache : TokenCache.defaultFolder());
        if (text instanceof DatasetText.OwnSplit own) {
            return TextDataset.ofSplits(
                    tokens(cache, own.train(), tokenizer, modelVocab),
                    tokens(cache, own.validation(), tokenizer, modelVocab),
                    blockLength);
        }
        return TextDataset.split(
                tokens(cache, ((DatasetText.Whole) text).text(), tokenizer, modelVocab),
                blockLength,
                validationFraction);
    }

    /** Tokenises in bounded pieces, with a progress bar for corpora that take a while. */
    private static TokenSequence tokens(
            TokenCache cache, TextSource source, Tokenizer tokenizer, int modelVocab)
            throws IOException {
        TokenCache.Progress progress =
                source.sizeBytes() >= PROGRESS_BAR_BYTES
                        ? new ProgressBar("tokenize")
                        : TokenCache.Progress.NONE;
        return cache.tokens(source, tokenizer, modelVocab, progress);
    }
}
