package ai.sentinel.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Family;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.KvCache;
import ai.sentinel.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Throughput of a model before and after compressed pruning (heads physically removed, the same
 * number in every layer, chosen at random from the seed), measured in one process on random tokens:
 * full forward passes, and greedy generation with the KV cache (a 16-token prompt, then one token
 * per step for every sequence of the batch).
 */
public final class PruneBenchmark {
    static final int PROMPT_TOKENS = 16;

    /** Forward and generation tokens/s (median over repeats) before and after. */
    public record Result(
            int batchSize,
            int seqLen,
            double fraction,
            long parametersBefore,
            long parametersAfter,
            double tokensPerSecondBefore,
            double tokensPerSecondAfter,
            int newTokens,
            double generatedPerSecondBefore,
            double generatedPerSecondAfter,
            long kvCacheBytesPerTokenBefore,
            long kvCacheBytesPerTokenAfter) {
        public double speedUp() {
            return tokensPerSecondAfter / tokensPerSecondBefore;
        }

        public double generationSpeedUp() {
            return generatedPerSecondAfter / generatedPerSecondBefore;
        }
    }

    private PruneBenchmark() {}

    /**
     * @param newTokens tokens generated per sequence in each timed generation (0 = no generation
     *     timing)
     */
    public static Result run(
            Family.Preset preset,
            int vocab,
            double fraction,
            int batchSize,
            int seqLen,
            int steps,
            int newTokens,
            long seed) {
        return run(
                preset, vocab, fraction, Removal.QUERY, batchSize, seqLen, steps, newTokens, seed);
    }

    /**
     * Which heads go, at random from the seed: {@code QUERY} the same number of query heads in
     * every layer; {@code BALANCED} the same number from every key/value group (every group kept);
     * {@code GROUP} the same number of whole groups from every layer (their keys and values too).
     */
    public enum Removal {
        QUERY,
        BALANCED,
        GROUP
    }

    public static Result run(
            Family.Preset preset,
            int vocab,
            double fraction,
            Removal removal,
            int batchSize,
            int seqLen,
            int steps,
            int newTokens,
            long seed) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                CausalLm full = preset.initialize(vocab, null, null, null, manager, seed);
                CausalLm pruned = preset.initialize(vocab, null, null, null, manager, seed)) {
            pruned.removeHeads(headsToRemove(full, fraction, removal, seed));
            return run(full, pruned, fraction, batchSize, seqLen, steps, newTokens);
        }
    }

    private static Result run(
            CausalLm full,
            CausalLm pruned,
            double fraction,
            int batchSize,
            int seqLen,
            int steps,
            int newTokens) {
        ModelConfig shape = full.config();
        if (PROMPT_TOKENS + newTokens > shape.maxPositions()) {
            throw new IllegalArgumentException(
                    "a "
                            + PROMPT_TOKENS
                            + "-token prompt and "
                            + newTokens
                            + " new tokens"
                            + " do not fit the model's "
                            + shape.maxPositions()
                            + " positions");
        }
        // the two models take turns, step by step, so machine noise hits both alike
        double[] fullSeconds = new double[steps];
        double[] prunedSeconds = new double[steps];
        for (int i = -2; i < steps; i++) {
            double a = forwardSeconds(full, batchSize, seqLen);
            double b = forwardSeconds(pruned, batchSize, seqLen);
            if (i >= 0) {
                fullSeconds[i] = a;
                prunedSeconds[i] = b;
            }
        }
        int repeats = newTokens == 0 ? 0 : Math.max(3, steps / 5);
        double[] fullGeneration = new double[repeats];
        double[] prunedGeneration = new double[repeats];
        for (int i = -1; i < repeats; i++) {
            double a = generationSeconds(full, batchSize, newTokens);
            double b = generationSeconds(pruned, batchSize, newTokens);
            if (i >= 0) {
                fullGeneration[i] = a;
                prunedGeneration[i] = b;
            }
        }
        double tokens = batchSize * (double) seqLen;
        double generated = batchSize * (double) newTokens;
        return new Result(
                batchSize,
                seqLen,
                fraction,
                full.numParameters(),
                pruned.numParameters(),
                tokens / median(fullSeconds),
                tokens / median(prunedSeconds),
                newTokens,
                repeats == 0 ? Double.NaN : generated / median(fullGeneration),
                repeats == 0 ? Double.NaN : generated / median(prunedGeneration),
                kvCacheBytesPerToken(full),
                kvCacheBytesPerToken(pruned));
    }

    /** Keys and values cached per token: 2 × Σ layers (groups present × head size) × 4 bytes. */
    static long kvCacheBytesPerToken(CausalLm model) {
        long values = 0;
        for (int l = 0; l < model.config().numLayers(); l++) {
            var layout = model.attentionLayout(l);
            long groups =
                    Arrays.stream(model.config().headsPresent(l))
                            .map(layout::group)
                            .distinct()
                            .count();
            values += 2 * groups * layout.headDim();
        }
        return values * Float.BYTES;
    }

    static List<HeadId> headsToRemove(CausalLm model, double fraction, Removal removal, long seed) {
        ModelConfig shape = model.config();
        SplittableRandom random = new SplittableRandom(seed);
        List<HeadId> heads = new ArrayList<>();
        for (int l = 0; l < shape.numLayers(); l++) {
            int perGroup = model.attentionLayout(l).headsPerGroup();
            int groups = shape.numHeads() / perGroup;
            // units: single heads, or whole groups; the unit size each choice removes at once
            int unit = removal == Removal.GROUP ? perGroup : 1;
            int pool = removal == Removal.BALANCED ? perGroup : shape.numHeads() / unit;
            int take = Math.min(pool - 1, (int) Math.round(fraction * pool));
            for (int g = 0; g < (removal == Removal.BALANCED ? groups : 1); g++) {
                int[] order = shuffled(random, pool);
                for (int k = 0; k < take; k++) {
                    if (removal == Removal.BALANCED) {
                        heads.add(new HeadId(l, g * perGroup + order[k]));
                    } else {
                        for (int u = 0; u < unit; u++) {
                            heads.add(new HeadId(l, order[k] * unit + u));
                        }
                    }
                }
            }
        }
        return heads;
    }

    private static int[] shuffled(SplittableRandom random, int n) {
        int[] keys = random.ints(0, Integer.MAX_VALUE).limit(n).toArray();
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Integer.compare(keys[a], keys[b]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    private static double forwardSeconds(CausalLm model, int batchSize, int seqLen) {
        try (NDScope scope = new NDScope()) {
            NDArray tokens =
                    model.manager()
                            .randomInteger(
                                    0,
                                    model.config().vocabSize(),
                                    new Shape(batchSize, seqLen),
                                    DataType.INT64);
            long t0 = System.nanoTime();
            model.forward(tokens, AttentionProbe.NONE).getFloat(0, 0, 0);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * Seconds to generate {@code newTokens} greedily for each of {@code batchSize} random prompts,
     * cache on.
     */
    private static double generationSeconds(CausalLm model, int batchSize, int newTokens) {
        try (NDScope scope = new NDScope();
                KvCache cache = model.newCache()) {
            NDArray next =
                    model.manager()
                            .randomInteger(
                                    0,
                                    model.config().vocabSize(),
                                    new Shape(batchSize, PROMPT_TOKENS),
                                    DataType.INT64);
            long t0 = System.nanoTime();
            for (int i = 0; i < newTokens; i++) {
                NDArray logits = model.forward(next, cache, AttentionProbe.NONE); // (B, T, V)
                next = logits.get(new NDIndex(":, -1:, :")).argMax(2); // (B, 1)
            }
            next.getLong(0, 0); // wait for the last step
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
