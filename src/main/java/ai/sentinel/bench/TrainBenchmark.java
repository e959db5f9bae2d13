package ai.sentinel.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.data.Batch;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Family;
import ai.sentinel.model.ModelConfig;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.TrainingStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times full training steps (forward, backward, clipping, AdamW) of a GPT-2 shape on random tokens,
 * and this machine's FP32 matmul rate, so throughput can be stated as a fraction of the measured
 * peak.
 *
 * <p>Model FLOPs per token follow the PaLM appendix: {@code 6·N + 12·L·T·C}, with N the weights
 * that take part in matrix products (all but the position table; the tied unembedding counted once)
 * and the second term the attention score and context products. The causal mask is not discounted.
 */
public final class TrainBenchmark {
    /** What was measured; times are medians over the timed steps. */
    public record Result(
            ModelConfig shape,
            int batchSize,
            int seqLen,
            int steps,
            double secondsPerStep,
            double modelFlopsPerStep,
            double peakFlops,
            List<OpProfile.Row> profile) {
        public double tokensPerSecond() {
            return batchSize * (double) seqLen / secondsPerStep;
        }

        public double achievedFlops() {
            return modelFlopsPerStep / secondsPerStep;
        }

        /** Model-FLOP utilisation: achieved model FLOP/s over the measured matmul peak. */
        public double utilisation() {
            return achievedFlops() / peakFlops;
        }
    }

    private TrainBenchmark() {}

    /**
     * @param profileTrace where to write libtorch's operator trace of {@code steps} further steps
     *     run after the timed ones (so profiling does not slow the timed steps), or null
     */
    public static Result run(
            Family.Preset preset,
            int vocab,
            int batchSize,
            int seqLen,
            int warmupSteps,
            int steps,
            long seed,
            Path profileTrace)
            throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                CausalLm model = preset.initialize(vocab, null, null, null, manager, seed)) {
            return run(model, batchSize, seqLen, warmupSteps, steps, seed, profileTrace);
        }
    }

    private static Result run(
            CausalLm model,
            int batchSize,
            int seqLen,
            int warmupSteps,
            int steps,
            long seed,
            Path profileTrace)
            throws IOException {
        ModelConfig shape = model.config();
        if (seqLen > shape.maxPositions()) {
            throw new IllegalArgumentException(
                    "sequence length "
                            + seqLen
                            + " exceeds the shape's "
                            + shape.maxPositions()
                            + " positions");
        }
        NDManager manager = model.manager();
        try (AdamW optimizer = new AdamW(model.parameters(), AdamWConfig.defaults(), manager);
                TrainingStep step = new TrainingStep(model, optimizer, 1.0f)) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] seconds = new double[steps];
            for (int i = 0; i < warmupSteps + steps; i++) {
                Batch batch = randomBatch(random, batchSize, seqLen, shape.vocabSize());
                long t0 = System.nanoTime();
                step.apply(batch, 1e-4f, i);
                if (i >= warmupSteps) {
                    seconds[i - warmupSteps] = (System.nanoTime() - t0) / 1e9;
                }
            }
            List<OpProfile.Row> profile = List.of();
            if (profileTrace != null) {
                profile =
                        OpProfile.record(
                                () -> {
                                    for (int i = 0; i < steps; i++) {
                                        Batch batch =
                                                randomBatch(
                                                        random,
                                                        batchSize,
                                                        seqLen,
                                                        shape.vocabSize());
                                        step.apply(batch, 1e-4f, warmupSteps + steps + i);
                                    }
                                },
                                steps,
                                profileTrace);
            }
            Arrays.sort(seconds);
            double median = seconds[steps / 2];
            long matmulWeights = model.numParameters() - model.positionTableParameters();
            double flopsPerToken =
                    6.0 * matmulWeights + 12.0 * shape.numLayers() * seqLen * shape.width();
            return new Result(
                    shape,
                    batchSize,
                    seqLen,
                    steps,
                    median,
                    flopsPerToken * batchSize * seqLen,
                    matmulPeak(manager, 2048, 20),
                    profile);
        }
    }

    /** Uniformly random inputs and targets. */
    static Batch randomBatch(SplittableRandom random, int batchSize, int seqLen, int vocab) {
        long[] inputs = new long[batchSize * seqLen];
        long[] targets = new long[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = random.nextInt(vocab);
            targets[i] = random.nextInt(vocab);
        }
        return new Batch(inputs, targets, batchSize, seqLen);
    }

    /** Best FP32 rate of an n×n by n×n product over {@code repeats} runs, in FLOP/s. */
    public static double matmulPeak(NDManager manager, int n, int repeats) {
        double best = Double.MAX_VALUE;
        try (NDScope scope = new NDScope()) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            a.matMul(b).close();
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.getFloat(0, 0); // wait for the result
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                c.close();
            }
        }
        return 2.0 * n * n * n / best;
    }
}
