package ai.sentinel.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.sentinel.data.Batch;
import ai.sentinel.data.BatchProgress;
import ai.sentinel.data.TokenBlocks;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.nn.Losses;

/**
 * Token-weighted evaluation over a fixed validation set: the first {@code maxBatches × batchSize}
 * blocks, in order, so every evaluation of a run sees the same tokens. Loss = total NLL / tokens;
 * perplexity = exp(loss).
 */
public final class Evaluator {
    private final TokenBlocks blocks;
    private final int batchSize;
    private final int numBlocks;

    public Evaluator(TokenBlocks blocks, int batchSize, int maxBatches) {
        if (batchSize < 1 || maxBatches < 1) {
            throw new IllegalArgumentException(
                    "batch size and number of batches must be >= 1, got "
                            + batchSize
                            + " and "
                            + maxBatches);
        }
        this.blocks = blocks;
        this.batchSize = batchSize;
        this.numBlocks = (int) Math.min((long) batchSize * maxBatches, blocks.numBlocks());
    }

    public EvalResult evaluate(CausalLm model) {
        return evaluate(model, BatchProgress.NONE);
    }

    /** Evaluates every block, telling {@code progress} after each batch. */
    public EvalResult evaluate(CausalLm model, BatchProgress progress) {
        int batches = (numBlocks + batchSize - 1) / batchSize;
        double totalNll = 0;
        long tokens = 0;
        double[] sequenceLosses = new double[numBlocks];
        for (int start = 0; start < numBlocks; start += batchSize) {
            int rows = Math.min(batchSize, numBlocks - start);
            int[] indices = new int[rows];
            for (int i = 0; i < rows; i++) {
                indices[i] = start + i;
            }
            Batch batch = Batch.of(blocks, indices);
            try (NDScope scope = new NDScope()) {
                NDArray hidden =
                        model.hidden(
                                BatchArrays.inputs(model.manager(), batch),
                                null,
                                AttentionProbe.NONE); // (B, T, C)
                float[] nll =
                        Losses.nllPerPosition(
                                hidden,
                                model.unembedding().value(),
                                BatchArrays.targets(model.manager(), batch)); // (B·T)
                for (int i = 0; i < rows; i++) {
                    double rowNll = 0;
                    for (int t = 0; t < batch.length(); t++) {
                        rowNll += nll[i * batch.length() + t];
                    }
                    totalNll += rowNll;
                    sequenceLosses[start + i] = rowNll / batch.length();
                }
            }
            tokens += (long) rows * batch.length();
            progress.batchDone(start / batchSize + 1, batches);
        }
        return new EvalResult(totalNll / tokens, tokens, sequenceLosses);
    }
}
