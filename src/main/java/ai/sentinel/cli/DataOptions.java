package ai.sentinel.cli;

import ai.sentinel.data.DatasetLocator;
import ai.sentinel.data.TextDataset;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the text comes from and how it is cut into blocks. */
final class DataOptions {
    @Option(names = "--dataset", defaultValue = "tiny_shakespeare", paramLabel = "NAME|PATH",
            description = "europarl-en (built in), tiny_shakespeare (looked up in the data folder), a text file,"
                    + " or a folder of .txt files. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder holding named datasets. Default: $SENTINEL_DATA, else ./data.")
    Path dataDir;

    @Option(names = "--seq-len", defaultValue = "128", description = "Tokens per block. Default: ${DEFAULT-VALUE}.")
    int seqLen;

    @Option(names = "--validation-fraction", defaultValue = "0.1",
            description = "Share of the text (its end) held out for validation. Default: ${DEFAULT-VALUE}.")
    double validationFraction;

    Path resolveDataDir() {
        if (dataDir != null) {
            return dataDir;
        }
        String env = System.getenv("SENTINEL_DATA");
        return Path.of(env != null && !env.isBlank() ? env : "data");
    }

    /** Where the text comes from, for logs and run configs. */
    String describe() throws IOException {
        return new DatasetLocator(resolveDataDir()).describe(dataset);
    }

    /** Reads, tokenises and splits the dataset; checks every id fits the model's vocabulary. */
    TextDataset load(Tokenizer tokenizer, int modelVocab, int maxPositions) throws IOException {
        if (seqLen < 1 || seqLen > maxPositions) {
            throw new IllegalArgumentException("--seq-len must be in 1.." + maxPositions + " for this model, got "
                    + seqLen);
        }
        int[] tokens = tokenizer.encode(new DatasetLocator(resolveDataDir()).read(dataset));
        for (int id : tokens) {
            if (id >= modelVocab) {
                throw new IllegalArgumentException("the tokenizer produced id " + id + ", outside the model's"
                        + " vocabulary of " + modelVocab);
            }
        }
        return TextDataset.split(tokens, seqLen, validationFraction);
    }
}
