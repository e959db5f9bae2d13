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
import java.util.function.ToDoubleFunction;

/**
 * Throughput of a model before and after compressed pruning (heads physically removed, the same
 * number in every layer, chosen at random from the seed), measured in one process on random tokens:
 * full forward passes, and greedy generation with the KV cache (a 16-token prompt, then one token
 * per step for every sequence of the batch). The two models take turns round by round (which goes
 * first alternates), so machine noise hits both alike; each rate is the median over the rounds,
 * with the slowest and fastest round as its range. Next to it, the model FLOPs per token each model
 * needs.
 *
 * <pre>
 *   forward FLOPs per token:  2 N + Σ_l 4 · t · H_l · D     (PaLM's count, forward only)
 *   N: weights used in matrix products (learned position tables left out), H_l: query heads present in layer l,
 *   D: head size, t: positions attended (the sequence length for full passes; the mean cache length, prompt +
 *   new tokens / 2, for generation)
 * </pre>
 */
public final class PruneBenchmark {
    static final int PROMPT_TOKENS = 16;

    /** Tokens/s over the timed rounds: the median, and the slowest and fastest round. */
    public record Rate(double median, double min, double max) {
        static Rate of(double tokens, double[] seconds) {
            if (seconds.length == 0) {
                return new Rate(Double.NaN, Double.NaN, Double.NaN);
            }
            double[] sorted = seconds.clone();
            Arrays.sort(sorted);
            return new Rate(
                    tokens / sorted[sorted.length / 2],
                    tokens / sorted[sorted.length - 1],
                    tokens / sorted[0]);
        }
    }

    /**
     * Forward and generation rates before and after, the model FLOPs per token of each, and the
     * key/value cache per token.
     */
    public record Result(
            int batchSize,
            int seqLen,
            double fraction,
            int headsRemoved,
            int heads,
            long parametersBefore,
            long parametersAfter,
            Rate forwardBefore,
            Rate forwardAfter,
            int newTokens,
            Rate generationBefore,
            Rate generationAfter,
            double forwardFlopsPerTokenBefore,
            double forwardFlopsPerTokenAfter,
            double generationFlopsPerTokenBefore,
            double generationFlopsPerTokenAfter,
            long kvCacheBytesPerTokenBefore,
            long kvCacheBytesPerTokenAfter) {
        public double speedUp() {
            return forwardAfter.median() / forwardBefore.median();
        }

        public double generationSpeedUp() {
            return generationAfter.median() / generationBefore.median();
        }

        /** The share of forward FLOPs per token removed. */
        public double forwardFlopReduction() {
            return 1 - forwardFlopsPerTokenAfter / forwardFlopsPerTokenBefore;
        }

        /** The share of generation FLOPs per token removed. */
        public double generationFlopReduction() {
            return 1 - generationFlopsPerTokenAfter / generationFlopsPerTokenBefore;
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
        double[][] forward =
                alternate(full, pruned, 2, steps, m -> forwardSeconds(m, batchSize, seqLen));
        int repeats = newTokens == 0 ? 0 : Math.max(3, steps / 5);
        double[][] generation =
                alternate(
                        full,
                        pruned,
                        repeats == 0 ? 0 : 1,
                        repeats,
                        m -> generationSeconds(m, batchSize, newTokens));
        double[] fullSeconds = forward[0];
        double[] prunedSeconds = forward[1];
        double[] fullGeneration = generation[0];
        double[] prunedGeneration = generation[1];
        double tokens = batchSize * (double) seqLen;
        double generated = batchSize * (double) newTokens;
        double cacheLength = PROMPT_TOKENS + newTokens / 2.0;
        int heads = shape.numLayers() * shape.numHeads();
        int present = 0;
        for (int l = 0; l < shape.numLayers(); l++) {
            present += pruned.config().numHeadsPresent(l);
        }
        return new Result(
                batchSize,
                seqLen,
                fraction,
                heads - present,
                heads,
                full.numParameters(),
                pruned.numParameters(),
                Rate.of(tokens, fullSeconds),
                Rate.of(tokens, prunedSeconds),
                newTokens,
                Rate.of(generated, fullGeneration),
                Rate.of(generated, prunedGeneration),
                flopsPerToken(full, seqLen),
                flopsPerToken(pruned, seqLen),
                flopsPerToken(full, cacheLength),
                flopsPerToken(pruned, cacheLength),
                kvCacheBytesPerToken(full),
                kvCacheBytesPerToken(pruned));
    }

    /**
     * Seconds per round of {@code full} and of {@code pruned}, after {@code warmup} untimed rounds:
     * the two take turns, the first alternating, so machine noise and whatever the previous pass
     * left in the caches hit both alike.
     */
    private static double[][] alternate(
            CausalLm full,
            CausalLm pruned,
            int warmup,
            int rounds,
            ToDoubleFunction<CausalLm> seconds) {
        double[][] out = new double[2][rounds];
        for (int i = -warmup; i < rounds; i++) {
            boolean fullFirst = Math.floorMod(i, 2) == 0;
            double first = seconds.applyAsDouble(fullFirst ? full : pruned);
            double second = seconds.applyAsDouble(fullFirst ? pruned : full);
            if (i >= 0) {
                out[0][i] = fullFirst ? first : second;
                out[1][i] = fullFirst ? second : first;
            }
        }
        return out;
    }

    /** Forward model FLOPs per token attending over {@code positions} positions (class comment). */
    static double flopsPerToken(CausalLm model, double positions) {
        double matmulWeights = model.numParameters() - model.positionTableParameters();
        double attention = 0;
        for (int l = 0; l < model.config().numLayers(); l++) {
            attention +=
                    4.0
                            * positions
                            * model.config().numHeadsPresent(l)
                            * model.attentionLayout(l).headDim();
        }
        return 2 * matmulWeights + attention;
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
}
