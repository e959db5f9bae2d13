package ai.sentinel.cli;

import ai.sentinel.bench.PruneBenchmark;
import ai.sentinel.bench.TrainBenchmark;
import ai.sentinel.model.Families;
import ai.sentinel.model.Family;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure throughput.",
        subcommands = {BenchCommand.Train.class, BenchCommand.Prune.class})
final class BenchCommand {
    /** The model shape a benchmark builds (random weights): any family's preset. */
    static final class Shape {
        @Option(
                names = "--shape",
                defaultValue = "distilgpt2",
                paramLabel = "PRESET",
                description =
                        "A preset of any family (nano, distilgpt2, gpt2, opt-nano, opt-125m, llama-nano)."
                                + " Default: ${DEFAULT-VALUE}.")
        String shape;

        @Option(
                names = "--vocab",
                defaultValue = "50257",
                description = "Default: ${DEFAULT-VALUE}.")
        int vocab;

        Family.Preset preset() {
            return Families.preset(shape)
                    .orElseThrow(
                            () ->
                                    new IllegalArgumentException(
                                            "--shape "
                                                    + shape
                                                    + " is not a preset; accepted: "
                                                    + Families.presetNames()));
        }
    }

    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Time training steps (forward, backward, clip, AdamW) of a preset's shape on random tokens;"
                            + " report tokens/s and model-FLOP utilisation of this machine's measured FP32 matmul peak.",
            footer = {
                "",
                "Example:",
                "  sentinel bench train --shape distilgpt2 --batch-size 4 --seq-len 128"
            })
    static final class Train implements Callable<Integer> {
        @Mixin Shape model;

        @Mixin CommonOptions.BatchSize batch = CommonOptions.BatchSize.of(4);

        @Mixin CommonOptions.SeqLen seq;

        @Option(
                names = "--warmup-steps",
                defaultValue = "2",
                description = "Untimed steps. Default: ${DEFAULT-VALUE}.")
        int warmupSteps;

        @Option(
                names = "--steps",
                defaultValue = "5",
                description = "Timed steps. Default: ${DEFAULT-VALUE}.")
        int steps;

        @Mixin CommonOptions.Seed seedOption;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() {
            int batchSize = batch.batchSize;
            int seqLen = seq.seqLen;
            Family.Preset shape = model.preset();
            int vocab = model.vocab;
            long seed = seedOption.seed;
            if (batchSize < 1 || seqLen < 1 || steps < 1 || warmupSteps < 0 || vocab < 1) {
                throw new IllegalArgumentException(
                        "--batch-size, --seq-len, --steps and --vocab must be >= 1 and"
                                + " --warmup-steps >= 0");
            }
            TrainBenchmark.Result r =
                    TrainBenchmark.run(shape, vocab, batchSize, seqLen, warmupSteps, steps, seed);
            if (json) {
                System.out.printf(
                        java.util.Locale.ROOT,
                        "{\"impl\":\"sentinel-java\",\"shape\":\"%s\",\"batch_size\":%d,"
                                + "\"seq_len\":%d,\"seconds_per_step\":%.4f,\"tokens_per_second\":%.1f,"
                                + "\"model_gflops_per_step\":%.2f,\"achieved_gflops\":%.2f,\"peak_gflops\":%.2f,"
                                + "\"mfu\":%.4f}%n",
                        shape.name(),
                        batchSize,
                        seqLen,
                        r.secondsPerStep(),
                        r.tokensPerSecond(),
                        r.modelFlopsPerStep() / 1e9,
                        r.achievedFlops() / 1e9,
                        r.peakFlops() / 1e9,
                        r.utilisation());
            } else {
                System.out.printf(
                        "%s, batch %d × %d tokens: %.3f s/step (median of %d), %.0f tokens/s%n",
                        shape.name(),
                        batchSize,
                        seqLen,
                        r.secondsPerStep(),
                        steps,
                        r.tokensPerSecond());
                System.out.printf(
                        "model FLOPs %.1f G/step -> %.1f GFLOP/s = %.1f%% of the measured FP32 matmul peak"
                                + " (%.1f GFLOP/s)%n",
                        r.modelFlopsPerStep() / 1e9,
                        r.achievedFlops() / 1e9,
                        100 * r.utilisation(),
                        r.peakFlops() / 1e9);
            }
            return 0;
        }
    }

    @Command(
            name = "prune",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Forward and generation tokens/s of a preset's shape before and after compressed pruning (the"
                            + " same number of heads removed from every layer, at random from the seed), in one process.",
            footer = {
                "",
                "Example:",
                "  sentinel bench prune --shape distilgpt2 --fraction 0.5 --batch-size 16"
            })
    static final class Prune implements Callable<Integer> {
        @Mixin Shape model;

        @Option(
                names = "--fraction",
                defaultValue = "0.5",
                description = "Heads removed per layer. Default:" + " ${DEFAULT-VALUE}.")
        double fraction;

        @Mixin CommonOptions.BatchSize batch = CommonOptions.BatchSize.of(1);

        @Mixin CommonOptions.SeqLen seq;

        @Option(
                names = "--steps",
                defaultValue = "10",
                description = "Timed forward passes. Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(
                names = "--new-tokens",
                defaultValue = "32",
                description =
                        "Tokens generated per sequence (cached, greedy) in each timed generation; 0 = skip."
                                + " Default: ${DEFAULT-VALUE}.")
        int newTokens;

        @Mixin CommonOptions.Seed seedOption;

        @Override
        public Integer call() {
            int batchSize = batch.batchSize;
            int seqLen = seq.seqLen;
            Family.Preset shape = model.preset();
            int vocab = model.vocab;
            long seed = seedOption.seed;
            if (newTokens < 0) {
                throw new IllegalArgumentException("--new-tokens must be >= 0, got " + newTokens);
            }
            if (!(fraction >= 0 && fraction < 1) || batchSize < 1 || seqLen < 1 || steps < 1) {
                throw new IllegalArgumentException(
                        "--fraction must be in [0, 1); --batch-size, --seq-len and --steps"
                                + " must be >= 1");
            }
            PruneBenchmark.Result r =
                    PruneBenchmark.run(
                            shape, vocab, fraction, batchSize, seqLen, steps, newTokens, seed);
            System.out.printf(
                    "%s, batch %d × %d, %.0f%% of heads removed: parameters %,d → %,d; forward %.0f → %.0f"
                            + " tokens/s (×%.2f)",
                    shape.name(),
                    batchSize,
                    seqLen,
                    100 * fraction,
                    r.parametersBefore(),
                    r.parametersAfter(),
                    r.tokensPerSecondBefore(),
                    r.tokensPerSecondAfter(),
                    r.speedUp());
            if (newTokens > 0) {
                System.out.printf(
                        "; generation %.0f → %.0f tokens/s (×%.2f)",
                        r.generatedPerSecondBefore(),
                        r.generatedPerSecondAfter(),
                        r.generationSpeedUp());
            }
            System.out.println();
            return 0;
        }
    }
}
