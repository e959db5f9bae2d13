package ai.sentinel.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.data.Batch;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Family;
import ai.sentinel.model.UnetSkips;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.TrainingStep;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What U-Net skips cost: the same model's forward pass and training step (forward, backward, clip,
 * AdamW) without and with skips, alternating round by round in one process so that both see the
 * same machine state; per round the median of {@code steps} timed repetitions, and the ratio's
 * median and range over rounds.
 */
public final class UnetBenchmark {
    /** Seconds are medians over rounds; overheads are with/without − 1 (median, min, max). */
    public record Result(
            String shape,
            int batchSize,
            int seqLen,
            int rounds,
            long skipParameters,
            long modelParameters,
            double forwardSeconds,
            double forwardSecondsWithSkips,
            double[] forwardOverhead,
            double stepSeconds,
            double stepSecondsWithSkips,
            double[] stepOverhead) {}

    private UnetBenchmark() {}

    public static Result run(
            Family.Preset preset,
            int vocab,
            int batchSize,
            int seqLen,
            int steps,
            int rounds,
            long seed) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                CausalLm model = preset.initialize(vocab, null, null, null, manager, seed)) {
            SplittableRandom random = new SplittableRandom(seed);
            Batch batch =
                    TrainBenchmark.randomBatch(
                            random, batchSize, seqLen, model.config().vocabSize());
            long plainParameters = model.numParameters();
            UnetSkips skips = UnetSkips.create(model, new UnetSkips.Settings(1f, false));
            long skipParameters = skips.numParameters();
            skips.close();
            double[][] forward = new double[2][rounds];
            double[][] step = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int withSkips = 0; withSkips < 2; withSkips++) {
                    model.setUnet(
                            withSkips == 1
                                    ? UnetSkips.create(model, new UnetSkips.Settings(1f, false))
                                    : null);
                    forward[withSkips][r] = forwardSeconds(model, batch, steps);
                    step[withSkips][r] = stepSeconds(model, batch, steps);
                }
            }
            return new Result(
                    preset.name(),
                    batchSize,
                    seqLen,
                    rounds,
                    skipParameters,
                    plainParameters,
                    median(forward[0]),
                    median(forward[1]),
                    ratioStats(forward),
                    median(step[0]),
                    median(step[1]),
                    ratioStats(step));
        }
    }

    private static double forwardSeconds(CausalLm model, Batch batch, int steps) {
        double[] seconds = new double[steps + 1];
        for (int i = 0; i <= steps; i++) { // the first is untimed warm-up
            try (NDScope scope = new NDScope()) {
                NDArray tokens =
                        EngineArrays.of(
                                model.manager(),
                                batch.inputs(),
                                new Shape(batch.batchSize(), batch.length()));
                long t0 = System.nanoTime();
                model.forward(tokens, AttentionProbe.NONE).sum().getFloat();
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return median(Arrays.copyOfRange(seconds, 1, seconds.length));
    }

    private static double stepSeconds(CausalLm model, Batch batch, int steps) {
        try (AdamW optimizer =
                        new AdamW(model.parameters(), AdamWConfig.defaults(), model.manager());
                TrainingStep step = new TrainingStep(model, optimizer, 1f)) {
            double[] seconds = new double[steps + 1];
            for (int i = 0; i <= steps; i++) {
                long t0 = System.nanoTime();
                step.apply(batch, 1e-5f, i);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
            return median(Arrays.copyOfRange(seconds, 1, seconds.length));
        }
    }

    /** Median, min and max over rounds of with/without − 1. */
    private static double[] ratioStats(double[][] seconds) {
        double[] ratios = new double[seconds[0].length];
        for (int r = 0; r < ratios.length; r++) {
            ratios[r] = seconds[1][r] / seconds[0][r] - 1;
        }
        return new double[] {
            median(ratios),
            Arrays.stream(ratios).min().orElseThrow(),
            Arrays.stream(ratios).max().orElseThrow()
        };
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
