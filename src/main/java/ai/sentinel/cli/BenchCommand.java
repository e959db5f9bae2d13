package ai.sentinel.cli;

import ai.sentinel.bench.ControllerBenchmark;
import ai.sentinel.bench.GenerateBenchmark;
import ai.sentinel.bench.LoadBenchmark;
import ai.sentinel.bench.OpProfile;
import ai.sentinel.bench.PruneBenchmark;
import ai.sentinel.bench.TrainBenchmark;
import ai.sentinel.bench.UnetBenchmark;
import ai.sentinel.model.Families;
import ai.sentinel.model.Family;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.control.ControllerKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure throughput.",
        subcommands = {
            BenchCommand.Train.class,
            BenchCommand.Generate.class,
            BenchCommand.Controller.class,
            BenchCommand.Load.class,
            BenchCommand.Prune.class,
            BenchCommand.Unet.class
        })
final class BenchCommand {
    /** Refuses an option value below {@code min}, naming the option: one line, exit code 2. */
    static void atLeast(int min, String option, int value) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
    }

    /** Prints one benchmark's result as the single JSON line the compare scripts read. */
    static void printJson(java.util.Map<String, Object> fields) {
        com.google.gson.JsonObject line = new com.google.gson.JsonObject();
        line.addProperty("impl", "sentinel-java");
        fields.forEach(
                (k, v) -> {
                    if (v instanceof Number n) {
                        line.addProperty(k, n);
                    } else {
                        line.addProperty(k, String.valueOf(v));
                    }
                });
        System.out.println(line);
    }

    /** The model shape a benchmark builds (random weights): any family's preset. */
    static final class Shape {
        @Option(
                names = "--shape",
                defaultValue = "distilgpt2",
                paramLabel = "PRESET",
                completionCandidates = PresetNames.class,
                description =
                        "A preset of any family (${COMPLETION-CANDIDATES}). Default: ${DEFAULT-VALUE}.")
        String shape;

        @Option(
                names = "--vocab",
                defaultValue = "50257",
                description = "Default: ${DEFAULT-VALUE}.")
        int vocab;

        Family.Preset preset() {
            atLeast(1, "--vocab", vocab);
            return Families.preset(shape)
                    .orElseThrow(
                            () ->
                                    new IllegalArgumentException(
                                            "--shape "
                                                    + shape
                                                    + " is not a preset; accepted: "
                                                    + String.join(", ", Families.presetNames())));
        }
    }

    @Command(
            name = "controller",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "What a controller costs a training run: time inside its hooks (measurements, decisions,"
                            + " gate updates) against the rest of the steps, on a preset's shape and random tokens.",
            footer = {
                "",
                "Example:",
                "  sentinel bench controller --shape nano --vocab 256 --batch-size 16 --steps 100"
                        + " --controller threshold"
            })
    static final class Controller implements Callable<Integer> {
        @Mixin Shape model;

        @Mixin CommonOptions.BatchSize batch = CommonOptions.BatchSize.of(4);

        @Mixin CommonOptions.SeqLen seq;

        @Option(
                names = "--steps",
                defaultValue = "100",
                description =
                        "Training steps (two intervals of the threshold controller's default). Default:"
                                + " ${DEFAULT-VALUE}.")
        int steps;

        @Option(
                names = "--target-active",
                paramLabel = "FRACTION",
                description = "For --controller learned (default: a fixed --penalty).")
        Double targetActive;

        @Mixin ControllerOptions controller;
        @Mixin ThresholdControllerOptions.Pruning pruning;
        @Mixin WarmupOptions warmup;
        @Mixin CommonOptions.Seed seedOption;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            atLeast(1, "--steps", steps);
            atLeast(1, "--batch-size", batch.batchSize);
            atLeast(1, "--seq-len", seq.seqLen);
            ControllerFactory factory =
                    controller
                            .factory(
                                    pruning.mode,
                                    pruning.maxPrunedFraction,
                                    targetActive,
                                    batch.batchSize,
                                    warmup,
                                    summary -> {})
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "--controller is required: "
                                                            + String.join(
                                                                    ", ",
                                                                    ControllerKind.allNames())));
            ControllerBenchmark.Result r =
                    ControllerBenchmark.run(
                            model.preset(),
                            model.vocab,
                            batch.batchSize,
                            seq.seqLen,
                            steps,
                            factory,
                            seedOption.seed);
            if (json) {
                java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
                f.put("controller", r.controller());
                f.put("shape", r.shape());
                f.put("batch_size", r.batchSize());
                f.put("seq_len", r.seqLen());
                f.put("steps", r.steps());
                f.put("controller_seconds", r.controllerSeconds());
                f.put("training_seconds", r.trainingSeconds());
                f.put("overhead", r.overhead());
                printJson(f);
            } else {
                System.out.printf(
                        "%s on %s, batch %d × %d, %d steps: %.2f s in the controller, %.2f s training;"
                                + " overhead %.1f%%%n",
                        r.controller(),
                        r.shape(),
                        r.batchSize(),
                        r.seqLen(),
                        r.steps(),
                        r.controllerSeconds(),
                        r.trainingSeconds(),
                        100 * r.overhead());
            }
            return 0;
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

        @Option(
                names = "--profile",
                paramLabel = "TRACE.json",
                description =
                        "After the timed steps, run as many more under libtorch's operator profiler,"
                                + " write its trace (chrome://tracing, Perfetto) here and print each"
                                + " operator's self time per step.")
        Path profile;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws java.io.IOException {
            int batchSize = batch.batchSize;
            int seqLen = seq.seqLen;
            Family.Preset shape = model.preset();
            int vocab = model.vocab;
            long seed = seedOption.seed;
            atLeast(1, "--batch-size", batchSize);
            atLeast(1, "--seq-len", seqLen);
            atLeast(1, "--steps", steps);
            atLeast(0, "--warmup-steps", warmupSteps);
            TrainBenchmark.Result r =
                    TrainBenchmark.run(
                            shape, vocab, batchSize, seqLen, warmupSteps, steps, seed, profile);
            if (json) {
                java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
                f.put("shape", shape.name());
                f.put("batch_size", batchSize);
                f.put("seq_len", seqLen);
                f.put("seconds_per_step", r.secondsPerStep());
                f.put("tokens_per_second", r.tokensPerSecond());
                f.put("model_gflops_per_step", r.modelFlopsPerStep() / 1e9);
                f.put("achieved_gflops", r.achievedFlops() / 1e9);
                f.put("peak_gflops", r.peakFlops() / 1e9);
                f.put("mfu", r.utilisation());
                printJson(f);
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
            if (profile != null) {
                printProfile(r.profile(), profile, json);
            }
            return 0;
        }
    }

    /** The profile's largest operators, to stderr when stdout carries the JSON line. */
    static void printProfile(List<OpProfile.Row> rows, Path trace, boolean json) {
        java.io.PrintStream out = json ? System.err : System.out;
        double total = rows.stream().mapToDouble(OpProfile.Row::millisPerRepeat).sum();
        out.printf(
                "operator self time per step (libtorch profiler, %.0f ms in all; trace %s):%n",
                total, trace);
        for (OpProfile.Row row : rows.subList(0, Math.min(20, rows.size()))) {
            out.printf(
                    java.util.Locale.ROOT,
                    "  %-52s %9.1f ms %5.1f%% %7.1f calls%n",
                    row.operator(),
                    row.millisPerRepeat(),
                    100 * row.millisPerRepeat() / total,
                    row.callsPerRepeat());
        }
    }

    @Command(
            name = "unet",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "What U-Net skips cost: forward pass and training step of a preset's shape without and"
                            + " with skips, alternating round by round in one process; the overhead's median"
                            + " and range over rounds.",
            footer = {
                "",
                "Example:",
                "  sentinel bench unet --shape nano --vocab 256 --batch-size 16"
            })
    static final class Unet implements Callable<Integer> {
        @Mixin Shape model;

        @Mixin CommonOptions.BatchSize batch = CommonOptions.BatchSize.of(4);

        @Mixin CommonOptions.SeqLen seq;

        @Option(
                names = "--steps",
                defaultValue = "5",
                description =
                        "Timed repetitions per round and contender. Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(
                names = "--rounds",
                defaultValue = "5",
                description = "Alternating rounds. Default: ${DEFAULT-VALUE}.")
        int rounds;

        @Mixin CommonOptions.Seed seedOption;

        @Override
        public Integer call() {
            atLeast(1, "--steps", steps);
            atLeast(1, "--rounds", rounds);
            atLeast(1, "--batch-size", batch.batchSize);
            atLeast(1, "--seq-len", seq.seqLen);
            UnetBenchmark.Result r =
                    UnetBenchmark.run(
                            model.preset(),
                            model.vocab,
                            batch.batchSize,
                            seq.seqLen,
                            steps,
                            rounds,
                            seedOption.seed);
            System.out.printf(
                    "%s, batch %d × %d, %d rounds: skips add %,d weights to %,d (%.1f%%)%n",
                    r.shape(),
                    r.batchSize(),
                    r.seqLen(),
                    r.rounds(),
                    r.skipParameters(),
                    r.modelParameters(),
                    100.0 * r.skipParameters() / r.modelParameters());
            System.out.printf(
                    "forward        %.4f s -> %.4f s with skips: overhead %+.1f%% (%+.1f%% to %+.1f%%)%n",
                    r.forwardSeconds(),
                    r.forwardSecondsWithSkips(),
                    100 * r.forwardOverhead()[0],
                    100 * r.forwardOverhead()[1],
                    100 * r.forwardOverhead()[2]);
            System.out.printf(
                    "training step  %.4f s -> %.4f s with skips: overhead %+.1f%% (%+.1f%% to %+.1f%%)%n",
                    r.stepSeconds(),
                    r.stepSecondsWithSkips(),
                    100 * r.stepOverhead()[0],
                    100 * r.stepOverhead()[1],
                    100 * r.stepOverhead()[2]);
            return 0;
        }
    }

    @Command(
            name = "generate",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Time cached greedy generation of a preset's shape (random weights) on random prompts;"
                            + " report new tokens/s and the bound memory bandwidth sets (weights read once per step).",
            footer = {
                "",
                "Example:",
                "  sentinel bench generate --shape smollm2-135m --vocab 49152 --batch-size 8"
            })
    static final class Generate implements Callable<Integer> {
        @Mixin Shape model;

        @Mixin CommonOptions.BatchSize batch = CommonOptions.BatchSize.of(1);

        @Option(
                names = "--prompt-len",
                defaultValue = "16",
                description = "Prompt tokens per sequence. Default: ${DEFAULT-VALUE}.")
        int promptLen;

        @Option(
                names = "--new-tokens",
                defaultValue = "32",
                description = "Tokens generated per sequence. Default: ${DEFAULT-VALUE}.")
        int newTokens;

        @Option(
                names = "--warmup",
                defaultValue = "1",
                description = "Untimed generations. Default: ${DEFAULT-VALUE}.")
        int warmup;

        @Option(
                names = "--repeats",
                defaultValue = "3",
                description =
                        "Timed generations (the median is reported). Default: ${DEFAULT-VALUE}.")
        int repeats;

        @Mixin CommonOptions.Seed seedOption;

        @Option(
                names = "--profile",
                paramLabel = "TRACE.json",
                description =
                        "After the timed steps, run as many more under libtorch's operator profiler,"
                                + " write its trace (chrome://tracing, Perfetto) here and print each"
                                + " operator's self time per step.")
        Path profile;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws java.io.IOException {
            int batchSize = batch.batchSize;
            atLeast(1, "--batch-size", batchSize);
            atLeast(1, "--prompt-len", promptLen);
            atLeast(1, "--new-tokens", newTokens);
            atLeast(1, "--repeats", repeats);
            atLeast(0, "--warmup", warmup);
            Family.Preset shape = model.preset();
            GenerateBenchmark.Result r =
                    GenerateBenchmark.run(
                            shape,
                            model.vocab,
                            batchSize,
                            promptLen,
                            newTokens,
                            warmup,
                            repeats,
                            seedOption.seed);
            if (json) {
                java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
                f.put("mode", "generate");
                f.put("shape", shape.name());
                f.put("batch_size", batchSize);
                f.put("prompt_len", promptLen);
                f.put("new_tokens", newTokens);
                f.put("repeats", repeats);
                f.put("seconds", r.seconds());
                f.put("tokens_per_second", r.tokensPerSecond());
                f.put("weight_bytes", r.weightBytes());
                f.put("memory_gb_per_second", r.memoryBytesPerSecond() / 1e9);
                f.put("bandwidth_bound_tokens_per_second", r.bandwidthBoundTokensPerSecond());
                printJson(f);
            } else {
                System.out.printf(
                        "%s, batch %d, %d-token prompt + %d new tokens: %.3f s (median of %d),"
                                + " %.1f new tokens/s%n",
                        shape.name(),
                        batchSize,
                        promptLen,
                        newTokens,
                        r.seconds(),
                        repeats,
                        r.tokensPerSecond());
                System.out.printf(
                        "memory-bandwidth bound: %.1f tokens/s (%.0f MB of F32 weights read per step at"
                                + " %.1f GB/s measured)%n",
                        r.bandwidthBoundTokensPerSecond(),
                        r.weightBytes() / 1e6,
                        r.memoryBytesPerSecond() / 1e9);
            }
            return 0;
        }
    }

    @Command(
            name = "load",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Load a model folder with the normal loader; report the seconds taken and this process's"
                        + " peak resident memory (VmHWM) against the weights' F32 size. Run it in a fresh"
                        + " process (as the command line does).",
                "With --write-checkpoint, write instead a test checkpoint: TinyLlama-1.1B's shape, random"
                        + " BF16 weights, two shards and an index (about 2.2 GB)."
            },
            footer = {
                "",
                "Example:",
                "  sentinel bench load --write-checkpoint /tmp/tinyllama-random",
                "  sentinel bench load /tmp/tinyllama-random"
            })
    static final class Load implements Callable<Integer> {
        @Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "DIR",
                description = "The model folder to load.")
        Path folder;

        @Option(
                names = "--write-checkpoint",
                paramLabel = "DIR",
                description = "Write the random 1.1B checkpoint into DIR instead of loading.")
        Path writeTo;

        @Mixin CommonOptions.Seed seedOption;

        @Override
        public Integer call() throws IOException {
            if ((folder == null) == (writeTo == null)) {
                throw new IllegalArgumentException(
                        "give either a model folder to load or --write-checkpoint DIR, not "
                                + (folder == null ? "neither" : "both"));
            }
            if (writeTo != null) {
                long t0 = System.nanoTime();
                long weights = LoadBenchmark.writeCheckpoint(writeTo, seedOption.seed);
                System.out.printf(
                        "wrote %s: %,d weights as BF16 in %d shards (%.1f GB) in %.1f s%n",
                        writeTo,
                        weights,
                        LoadBenchmark.SHARDS,
                        2 * weights / 1e9,
                        (System.nanoTime() - t0) / 1e9);
                return 0;
            }
            LoadBenchmark.Result r = LoadBenchmark.load(folder);
            System.out.printf(
                    "loaded %s: %,d weights in %.1f s; peak resident memory %.2f GB = %.2f× the F32"
                            + " weights (%.2f GB); %.2f GB resident before loading; Java heap limit %.2f GB%n",
                    folder,
                    r.parameters(),
                    r.seconds(),
                    r.peakRssBytes() / 1e9,
                    r.peakOverF32(),
                    r.f32Bytes() / 1e9,
                    r.rssBeforeBytes() / 1e9,
                    r.maxHeapBytes() / 1e9);
            return 0;
        }
    }

    @Command(
            name = "prune",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Forward and generation tokens/s of a preset's shape before and after compressed pruning (the"
                            + " same number of heads removed from every layer, at random from the seed), in one process:"
                            + " the two models take turns, round by round; the median and [slowest–fastest] round are"
                            + " printed next to the model FLOPs per token each needs.",
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

        @Option(
                names = "--gqa-policy",
                defaultValue = "QUERY",
                description =
                        "Which heads go, at random: query (the same number per layer), balanced (the same"
                                + " number from every key/value group, every group kept) or group (whole groups,"
                                + " keys and values included). Default: ${DEFAULT-VALUE}.")
        PruneBenchmark.Removal removal;

        @Mixin CommonOptions.BatchSize batch = CommonOptions.BatchSize.of(1);

        @Mixin CommonOptions.SeqLen seq;

        @Option(
                names = "--steps",
                defaultValue = "10",
                description =
                        "Timed forward passes of each model (generation: a fifth as many, at least 3)."
                                + " Default: ${DEFAULT-VALUE}.")
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
            atLeast(0, "--new-tokens", newTokens);
            atLeast(1, "--batch-size", batchSize);
            atLeast(1, "--seq-len", seqLen);
            atLeast(1, "--steps", steps);
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("--fraction must be in [0, 1), got " + fraction);
            }
            PruneBenchmark.Result r =
                    PruneBenchmark.run(
                            shape, vocab, fraction, removal, batchSize, seqLen, steps, newTokens,
                            seed);
            System.out.printf(
                    "%s, batch %d × %d, %d of %d query heads removed (%.1f%%, %s): parameters %,d → %,d;"
                            + " forward %s → %s tokens/s (×%.2f), FLOPs/token %.1f → %.1f M (−%.1f%%)",
                    shape.name(),
                    batchSize,
                    seqLen,
                    r.headsRemoved(),
                    r.heads(),
                    100.0 * r.headsRemoved() / r.heads(),
                    removal.name().toLowerCase(java.util.Locale.ROOT),
                    r.parametersBefore(),
                    r.parametersAfter(),
                    rate(r.forwardBefore()),
                    rate(r.forwardAfter()),
                    r.speedUp(),
                    r.forwardFlopsPerTokenBefore() / 1e6,
                    r.forwardFlopsPerTokenAfter() / 1e6,
                    100 * r.forwardFlopReduction());
            if (newTokens > 0) {
                System.out.printf(
                        "; generation %s → %s tokens/s (×%.2f), FLOPs/token %.1f → %.1f M (−%.1f%%)",
                        rate(r.generationBefore()),
                        rate(r.generationAfter()),
                        r.generationSpeedUp(),
                        r.generationFlopsPerTokenBefore() / 1e6,
                        r.generationFlopsPerTokenAfter() / 1e6,
                        100 * r.generationFlopReduction());
            }
            System.out.printf(
                    "; key/value cache %,d → %,d bytes per token%n",
                    r.kvCacheBytesPerTokenBefore(), r.kvCacheBytesPerTokenAfter());
            return 0;
        }

        /** Median tokens/s and the range over the rounds: "408 [390–421]". */
        private static String rate(PruneBenchmark.Rate r) {
            return String.format(
                    java.util.Locale.ROOT, "%.0f [%.0f–%.0f]", r.median(), r.min(), r.max());
        }
    }
}
