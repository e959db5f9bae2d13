package ai.sentinel.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.eval.Generator;
import ai.sentinel.eval.SamplingConfig;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Family;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.EngineArrays;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Cached greedy generation of a preset's shape (random weights) on random prompts: the prompt in
 * one forward pass, then one single-position pass per new token, each reading the model's own
 * {@link KvCache}. Timed from the prompt pass to the last token; tokens/s counts new tokens only.
 *
 * <p>Batch 1 runs the library's {@link Generator} (temperature 0, no end-of-text stop), which is
 * what {@code sentinel generate} does. The generator takes one sequence, so a batch of several runs
 * the same cached forward pass directly with the argmax taken in the engine, as {@link
 * PruneBenchmark} does.
 *
 * <p>Decoding a token reads every weight once per step, so at small batches the step is bound by
 * memory bandwidth: the result carries the F32 weight bytes and this machine's measured memory
 * bandwidth, whose ratio bounds the steps per second.
 */
public final class GenerateBenchmark {
    /** What was measured; seconds are the median over the timed repeats. */
    public record Result(
            int batchSize,
            int promptLen,
            int newTokens,
            int repeats,
            double seconds,
            long weightBytes,
            double memoryBytesPerSecond) {
        public double tokensPerSecond() {
            return batchSize * (double) newTokens / seconds;
        }

        /**
         * New tokens per second if each decoding step only read the weights once at the measured
         * memory bandwidth (the prompt pass and the cache ignored): an upper bound at small
         * batches.
         */
        public double bandwidthBoundTokensPerSecond() {
            return batchSize * memoryBytesPerSecond / weightBytes;
        }
    }

    private GenerateBenchmark() {}

    public static Result run(
            Family.Preset preset,
            int vocab,
            int batchSize,
            int promptLen,
            int newTokens,
            int warmup,
            int repeats,
            long seed) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                CausalLm model = preset.initialize(vocab, null, null, null, manager, seed)) {
            if (promptLen + newTokens > model.config().maxPositions()) {
                throw new IllegalArgumentException(
                        "--prompt-len + --new-tokens ("
                                + (promptLen + newTokens)
                                + ") exceed the shape's "
                                + model.config().maxPositions()
                                + " positions");
            }
            SplittableRandom random = new SplittableRandom(seed);
            double[] seconds = new double[repeats];
            for (int i = 0; i < warmup + repeats; i++) {
                long[] prompt =
                        random.ints(batchSize * (long) promptLen, 0, vocab)
                                .asLongStream()
                                .toArray();
                double s =
                        batchSize == 1
                                ? generatorSeconds(model, prompt, newTokens, seed)
                                : batchedSeconds(model, prompt, batchSize, newTokens);
                if (i >= warmup) {
                    seconds[i - warmup] = s;
                }
            }
            Arrays.sort(seconds);
            return new Result(
                    batchSize,
                    promptLen,
                    newTokens,
                    repeats,
                    seconds[repeats / 2],
                    4 * model.numParameters(),
                    memoryBandwidth(manager));
        }
    }

    private static double generatorSeconds(
            CausalLm model, long[] prompt, int newTokens, long seed) {
        int[] ids = Arrays.stream(prompt).mapToInt(t -> (int) t).toArray();
        SamplingConfig greedy = new SamplingConfig(0f, 0, 1f, newTokens, seed, false);
        long t0 = System.nanoTime();
        Generator.Result r = Generator.generate(model, ids, greedy, OptionalInt.empty());
        double s = (System.nanoTime() - t0) / 1e9;
        if (r.tokens().length != newTokens) {
            throw new IllegalStateException(
                    "generated " + r.tokens().length + " tokens, asked for " + newTokens);
        }
        return s;
    }

    private static double batchedSeconds(
            CausalLm model, long[] prompt, int batchSize, int newTokens) {
        try (NDScope scope = new NDScope();
                KvCache cache = model.newCache()) {
            NDArray next =
                    EngineArrays.of(
                            model.manager(),
                            prompt,
                            new Shape(batchSize, prompt.length / batchSize));
            long t0 = System.nanoTime();
            for (int i = 0; i < newTokens; i++) {
                NDArray logits = model.forward(next, cache, AttentionProbe.NONE); // (B, T, V)
                next = logits.get(new NDIndex(":, -1:, :")).argMax(2); // (B, 1)
            }
            next.getLong(0, 0); // wait for the last step
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * Bytes per second the engine moves adding one 256 MiB array into another in place (two read,
     * one written; best of 5): the rate at which a decoding step can stream weights from memory.
     */
    static double memoryBandwidth(NDManager manager) {
        long elements = 64L << 20;
        double best = Double.MAX_VALUE;
        try (NDScope scope = new NDScope()) {
            NDArray a = manager.ones(new Shape(elements), DataType.FLOAT32);
            NDArray target = manager.zeros(new Shape(elements), DataType.FLOAT32);
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                target.addi(a);
                target.getFloat(0); // wait for the sum
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
        }
        return 3.0 * 4 * elements / best;
    }
}
