package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.model.CausalLm;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A loaded model with its tokenizer and dataset, for the single-step commands (heads, prune, grow).
 */
final class Workbench implements AutoCloseable {
    final NDManager manager;
    final Tokenizer tokenizer;
    final CausalLm model;
    final TextDataset dataset;

    Workbench(ModelOptions modelOptions, DataOptions dataOptions, long seed) throws IOException {
        this.tokenizer = modelOptions.loadTokenizer();
        this.manager = modelOptions.newManager();
        try {
            this.model = modelOptions.load(manager, tokenizer, seed);
            this.dataset =
                    dataOptions.load(
                            tokenizer, model.config().vocabSize(), model.config().maxPositions());
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    HeadMeter meter(int batchSize, int batches) {
        return new HeadMeter(dataset.validation(), batchSize, batches);
    }

    /** Saves the model with its tokenizer as a Hugging Face folder. */
    void save(Path folder) throws IOException {
        ModelOutput.save(model, tokenizer, folder);
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
