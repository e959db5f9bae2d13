package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.experiments.ControllerComparison;
import ai.sentinel.experiments.GrowthComparison;
import ai.sentinel.experiments.ProgressiveComparison;
import ai.sentinel.experiments.PruningTolerance;
import ai.sentinel.experiments.RepeatedCycles;
import ai.sentinel.experiments.UnetGrowth;
import ai.sentinel.io.Json;
import ai.sentinel.io.OutputFolder;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.report.TrainingCurve;
import ai.sentinel.tokenizer.Tokenizer;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description =
                "Experiments behind bench/EXPERIMENTS.md (run by the scripts in bench/experiments/).",
        subcommands = {
            ExperimentCommand.Tolerance.class,
            ExperimentCommand.Growth.class,
            ExperimentCommand.Unet.class,
            ExperimentCommand.Cycles.class,
            ExperimentCommand.Progressive.class,
            ExperimentCommand.Controllers.class,
            ExperimentCommand.Plot.class,
            ExperimentCommand.Curve.class
        })
final class ExperimentCommand {
    /** The baseline's dataset, tokenised by its own tokenizer. */
    static TextDataset dataset(ModelOptions model, DataOptions data) throws IOException {
        Tokenizer tokenizer = model.loadTokenizer();
        try (NDManager manager = model.newManager();
                CausalLm lm = model.load(manager, tokenizer, 0)) {
            return data.load(tokenizer, lm.config().vocabSize(), lm.config().maxPositions());
        }
    }

    @Command(
            name = "pruning-tolerance",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Perplexity against the fraction of heads pruned, for every pruning strategy, before and"
                            + " after a recovery fine-tune; writes pruning_tolerance.json and charts.",
            footer = {
                "",
                "Example:",
                "  sentinel experiment pruning-tolerance -m bench/results/baseline/model"
                        + " -o bench/results/claim1"
            })
    static final class Tolerance implements Callable<Integer> {
        @Mixin ModelOptions model;
        @Mixin DataOptions data;

        @Option(
                names = "--fractions",
                split = ",",
                defaultValue = "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8",
                description = "Fractions of heads to prune. Default: ${DEFAULT-VALUE}.")
        List<Double> fractions;

        @Option(
                names = "--fine-tune-steps",
                defaultValue = "100",
                description = "0 = none. Default: ${DEFAULT-VALUE}.")
        int fineTuneSteps;

        @Mixin CommonOptions.BatchSize batchSize;
        @Mixin CommonOptions.EvalBatches evalBatches;
        @Mixin CommonOptions.MetricBatches metricBatches;
        @Mixin CommonOptions.LearningRate lr = CommonOptions.LearningRate.fineTuning();
        @Mixin CommonOptions.Seed seed;
        @Mixin CommonOptions.Output output;

        @Override
        public Integer call() throws IOException {
            for (double f : fractions) {
                if (!(f >= 0 && f < 1)) {
                    throw new IllegalArgumentException("--fractions must lie in [0, 1), got " + f);
                }
            }
            try (OutputFolder.Held held = output.claim(model)) {
                Path out = held.folder();
                JsonObject result =
                        PruningTolerance.run(
                                model.folder(),
                                dataset(model, data),
                                new PruningTolerance.Settings(
                                        fractions,
                                        fineTuneSteps,
                                        batchSize.batchSize,
                                        evalBatches.evalBatches,
                                        metricBatches.metricBatches,
                                        lr.lr,
                                        seed.seed),
                                out,
                                new ProgressBar("fine-tune"));
                for (var row : result.getAsJsonArray("rows")) {
                    System.out.println(row);
                }
                System.out.println("written: " + out.resolve("pruning_tolerance.json"));
                return 0;
            }
        }
    }

    /**
     * What the cycle experiments share: how each learning phase trains and how heads are measured.
     */
    static final class LearningOptions {
        @Option(
                names = "--learning-steps",
                defaultValue = "200",
                description =
                        "Training steps after growth in each cycle. Default: ${DEFAULT-VALUE}.")
        int learningSteps;

        @Option(
                names = "--prune-fraction",
                defaultValue = "0.3",
                description =
                        "Fraction of active heads pruned (by entropy) per cycle. Default: ${DEFAULT-VALUE}.")
        double pruneFraction;

        @Option(
                names = "--growth-ratio",
                defaultValue = "0.33",
                description =
                        "Heads grown back per cycle, as a fraction of those pruned. Default: ${DEFAULT-VALUE}.")
        double growthRatio;

        @Option(
                names = "--seeds",
                split = ",",
                defaultValue = "1,2,3",
                description = "Default: ${DEFAULT-VALUE}.")
        List<Long> seeds;

        @Mixin CommonOptions.Training training = CommonOptions.Training.fineTuning();
        @Mixin CommonOptions.MetricBatches metricBatches;
    }

    @Command(
            name = "unet-growth",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Issue 12: do U-Net skips help a pruned model regrow? Per arm (no skips, mirror skips, the"
                            + " same-capacity self-fusion control; growth init function_preserving, copy or"
                            + " skip_transfer; a no-pruning control): attach, train --skip-steps, prune by"
                            + " entropy, grow, learn. Also the Jensen-Shannon divergence of each regrown head's"
                            + " attention from the pruned head's. Writes unet_growth.json and charts.",
            footer = {
                "",
                "Example:",
                "  sentinel experiment unet-growth -m bench/results/baseline/model"
                        + " --dataset tiny_shakespeare -o bench/results/unet"
            })
    static final class Unet implements Callable<Integer> {
        @Mixin ModelOptions model;
        @Mixin DataOptions data;
        @Mixin LearningOptions learning;

        @Option(
                names = "--skip-steps",
                defaultValue = "200",
                description =
                        "Training steps after attaching the skips, before pruning (every arm takes them)."
                                + " Default: ${DEFAULT-VALUE}.")
        int skipSteps;

        @Option(
                names = "--growth",
                defaultValue = "GRADIENT_SENSITIVITY",
                description = "Which heads grow back. Default: gradient_sensitivity.")
        GrowthMethod growth;

        @Option(
                names = "--arms",
                split = ",",
                description =
                        "Arms to run, by name (none/function_preserving, none/copy, unet/function_preserving,"
                                + " unet/copy, unet/skip_transfer, self/function_preserving, self/skip_transfer,"
                                + " no_pruning). Default: all.")
        List<String> arms;

        @Option(
                names = "--attention-sequences",
                defaultValue = "4",
                description =
                        "Validation sequences the attention divergences are measured on. Default:"
                                + " ${DEFAULT-VALUE}.")
        int attentionSequences;

        @Mixin CommonOptions.Output output;

        @Override
        public Integer call() throws IOException {
            List<UnetGrowth.Arm> chosen = UnetGrowth.defaultArms();
            if (arms != null) {
                List<String> known = chosen.stream().map(UnetGrowth.Arm::name).toList();
                for (String a : arms) {
                    if (!known.contains(a)) {
                        throw new IllegalArgumentException(
                                "--arms: unknown arm "
                                        + a
                                        + "; known: "
                                        + String.join(", ", known));
                    }
                }
                chosen = chosen.stream().filter(a -> arms.contains(a.name())).toList();
            }
            try (OutputFolder.Held held = output.claim(model)) {
                Path out = held.folder();
                JsonObject result =
                        UnetGrowth.run(
                                model.folder(),
                                dataset(model, data),
                                new UnetGrowth.Settings(
                                        chosen,
                                        learning.seeds,
                                        growth,
                                        learning.pruneFraction,
                                        learning.growthRatio,
                                        skipSteps,
                                        learning.learningSteps,
                                        learning.training.cycleTraining(),
                                        learning.metricBatches.metricBatches,
                                        attentionSequences),
                                out,
                                new ProgressBar("unet"));
                System.out.println(Json.pretty(result.get("summary")));
                System.out.println("written: " + out.resolve("unet_growth.json"));
                return 0;
            }
        }
    }

    @Command(
            name = "growth-comparison",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Claim 2: prune, grow back a share with each growth strategy, learn a fixed number of steps;"
                            + " recovery against random over several seeds, with no-growth and no-pruning controls. Writes"
                            + " growth_comparison.json and charts.",
            footer = {
                "",
                "Example:",
                "  sentinel experiment growth-comparison -m bench/results/baseline/model"
                        + " -o bench/results/claim2"
            })
    static final class Growth implements Callable<Integer> {
        @Mixin ModelOptions model;
        @Mixin DataOptions data;
        @Mixin LearningOptions learning;

        @Option(
                names = "--strategies",
                split = ",",
                description =
                        "Growth strategies to compare (random is the"
                                + " reference). Default: all.")
        List<GrowthMethod> strategies = List.of(GrowthMethod.values());

        @Mixin CommonOptions.Output output;

        @Override
        public Integer call() throws IOException {
            if (!strategies.contains(GrowthMethod.RANDOM)) {
                throw new IllegalArgumentException(
                        "--strategies must include random, the reference");
            }
            try (OutputFolder.Held held = output.claim(model)) {
                Path out = held.folder();
                JsonObject result =
                        GrowthComparison.run(
                                model.folder(),
                                dataset(model, data),
                                new GrowthComparison.Settings(
                                        strategies,
                                        learning.seeds,
                                        learning.pruneFraction,
                                        learning.growthRatio,
                                        learning.learningSteps,
                                        learning.training.cycleTraining(),
                                        learning.metricBatches.metricBatches),
                                out,
                                new ProgressBar("learning"));
                System.out.println(Json.pretty(result.get("summary")));
                System.out.println("written: " + out.resolve("growth_comparison.json"));
                return 0;
            }
        }
    }

    @Command(
            name = "repeated-cycles",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Claim 3: 1 to N plasticity cycles per seed, perplexity and active heads after each, next to"
                            + " a control that learns the same steps with nothing pruned. Writes repeated_cycles.json and"
                            + " charts.",
            footer = {
                "",
                "Example:",
                "  sentinel experiment repeated-cycles -m bench/results/baseline/model"
                        + " -o bench/results/claim3"
            })
    static final class Cycles implements Callable<Integer> {
        @Mixin ModelOptions model;
        @Mixin DataOptions data;
        @Mixin LearningOptions learning;

        @Option(names = "--cycles", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}.")
        int cycles;

        @Option(
                names = "--growth-strategy",
                defaultValue = "GRADIENT_SENSITIVITY",
                description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
        GrowthMethod growth;

        @Mixin CommonOptions.Output output;

        @Override
        public Integer call() throws IOException {
            try (OutputFolder.Held held = output.claim(model)) {
                Path out = held.folder();
                JsonObject result =
                        RepeatedCycles.run(
                                model.folder(),
                                dataset(model, data),
                                new RepeatedCycles.Settings(
                                        cycles,
                                        learning.seeds,
                                        learning.pruneFraction,
                                        learning.growthRatio,
                                        growth,
                                        learning.learningSteps,
                                        learning.training.cycleTraining(),
                                        learning.metricBatches.metricBatches),
                                out,
                                new ProgressBar("learning"));
                System.out.println(Json.pretty(result.get("summary")));
                System.out.println("written: " + out.resolve("repeated_cycles.json"));
                return 0;
            }
        }
    }

    @Command(
            name = "progressive-growth",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Claim 4: train a preset from scratch three ways for the same steps: progressive growth from"
                            + " --start-active of the heads, the shape it ends with masked from the start, and the full model."
                            + " Writes progressive_growth.json and charts.",
            footer = {
                "",
                "Example:",
                "  sentinel experiment progressive-growth -m nano --n-head 10 --n-embd 160"
                        + " -o bench/results/claim4"
            })
    static final class Progressive implements Callable<Integer> {
        @Mixin ModelOptions model;
        @Mixin DataOptions data;
        @Mixin ProgressiveOptions growth;

        @Option(
                names = "--steps",
                defaultValue = "1500",
                description = "Default: ${DEFAULT-VALUE}.")
        int steps;

        @Mixin CommonOptions.Training training;

        @Option(
                names = "--eval-every",
                defaultValue = "100",
                description = "Default: ${DEFAULT-VALUE}.")
        int evalEvery;

        @Mixin CommonOptions.Seed seed;
        @Mixin CommonOptions.Output output;

        @Override
        public Integer call() throws IOException {
            if (!model.isPreset()) {
                throw new IllegalArgumentException(
                        "--model must name a preset ("
                                + String.join(", ", Families.presetNames())
                                + "): this experiment trains from scratch");
            }
            try (OutputFolder.Held held = output.claim(model)) {
                Path out = held.folder();
                Tokenizer tokenizer = model.loadTokenizer();
                long s = seed.seed;
                CycleConfig.Training t = training.cycleTraining();
                JsonObject result =
                        ProgressiveComparison.run(
                                manager -> model.load(manager, tokenizer, s),
                                dataset(model, data),
                                new ProgressiveComparison.Settings(
                                        growth.settings(s),
                                        steps,
                                        t.batchSize(),
                                        t.learningRate(),
                                        t.warmupSteps(),
                                        evalEvery,
                                        t.evalBatches(),
                                        growth.metricBatches.metricBatches,
                                        s),
                                out,
                                new ProgressBar("train"));
                for (var arm : result.getAsJsonObject("arms").entrySet()) {
                    JsonObject a = arm.getValue().getAsJsonObject();
                    System.out.printf(
                            "%-12s validation loss %.4f  perplexity %.3f  active heads %d  %.0f s%n",
                            arm.getKey(),
                            a.get("final_val_loss").getAsDouble(),
                            a.get("final_perplexity").getAsDouble(),
                            a.get("active_heads").getAsInt(),
                            a.get("seconds").getAsDouble());
                }
                System.out.println("written: " + out.resolve("progressive_growth.json"));
                return 0;
            }
        }
    }

    @Command(
            name = "controller-comparison",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Pruning during training against pruning once: from the same baseline, the threshold and"
                            + " learned-gate controllers and one-shot entropy and importance pruning (then the same"
                            + " fine-tuning) all end with --target-active of the heads after --steps steps, against no"
                            + " pruning; several seeds. Writes controller_comparison.json, charts and each arm's run"
                            + " folder (runs/).",
            footer = {
                "",
                "Example:",
                "  sentinel experiment controller-comparison -m bench/results/baseline/model"
                        + " --dataset tiny_shakespeare -o bench/results/controllers"
            })
    static final class Controllers implements Callable<Integer> {
        @Mixin ModelOptions model;
        @Mixin DataOptions data;

        @Option(
                names = "--steps",
                defaultValue = "300",
                description = "Training steps of every arm. Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(
                names = "--target-active",
                paramLabel = "FRACTION",
                defaultValue = "0.5",
                description =
                        "Share of heads every pruning arm ends with. Default: ${DEFAULT-VALUE}.")
        double targetActive;

        @Option(
                names = "--check-fraction",
                defaultValue = "0.3",
                description =
                        "Share of the baseline's heads pruned by entropy, with no recovery, to show how much"
                                + " its heads matter. Default: ${DEFAULT-VALUE}.")
        double checkFraction;

        @Option(
                names = "--seeds",
                split = ",",
                defaultValue = "1,2,3",
                description = "Default: ${DEFAULT-VALUE}.")
        List<Long> seeds;

        @Mixin CommonOptions.Training training = CommonOptions.Training.fineTuning();
        @Mixin CommonOptions.MetricBatches metricBatches;
        @Mixin ThresholdControllerOptions threshold;
        @Mixin LearnedControllerOptions learned;
        @Mixin WarmupOptions warmup;
        @Mixin CommonOptions.Output output;

        @Override
        public Integer call() throws IOException {
            if (!(targetActive > 0 && targetActive < 1)) {
                throw new IllegalArgumentException(
                        "--target-active must be in (0, 1), got " + targetActive);
            }
            if (!(checkFraction > 0 && checkFraction < 1)) {
                throw new IllegalArgumentException(
                        "--check-fraction must be in (0, 1), got " + checkFraction);
            }
            int batchSize = training.batchSize.batchSize;
            Map<String, ControllerFactory> controllers = new LinkedHashMap<>();
            controllers.put(
                    "threshold",
                    threshold.factory(
                            PruneMode.ADAPTIVE,
                            1 - targetActive,
                            batchSize,
                            warmup.schedule(),
                            summary -> summary.lines().forEach(System.err::println)));
            controllers.put("learned", learned.factory(targetActive, PruneMode.ADAPTIVE));
            CycleConfig.Training t = training.cycleTraining();
            try (OutputFolder.Held held = output.claim(model)) {
                Path out = held.folder();
                JsonObject result =
                        ControllerComparison.run(
                                model.folder(),
                                dataset(model, data),
                                controllers,
                                new ControllerComparison.Settings(
                                        seeds,
                                        targetActive,
                                        steps,
                                        batchSize,
                                        t.learningRate(),
                                        t.warmupSteps(),
                                        t.evalBatches(),
                                        metricBatches.metricBatches,
                                        checkFraction),
                                out,
                                new ProgressBar("arm"));
                System.out.println(Json.pretty(result.get("baseline_check")));
                System.out.println(Json.pretty(result.get("summary")));
                System.out.println("written: " + out.resolve("controller_comparison.json"));
                return 0;
            }
        }
    }

    @Command(
            name = "plot",
            mixinStandardHelpOptions = true,
            description =
                    "Redraw the charts of a saved experiment result (pruning_tolerance.json,"
                            + " growth_comparison.json, repeated_cycles.json or progressive_growth.json).")
    static final class Plot implements Callable<Integer> {
        @Option(names = "--json", required = true, description = "An experiment's result file.")
        Path json;

        @Mixin CommonOptions.Output output;

        @Override
        public Integer call() throws IOException {
            String name = json.getFileName().toString();
            if (!List.of(
                            "pruning_tolerance.json",
                            "growth_comparison.json",
                            "repeated_cycles.json",
                            "progressive_growth.json",
                            "unet_growth.json")
                    .contains(name)) {
                throw new IllegalArgumentException(
                        "--json "
                                + json
                                + ": expected pruning_tolerance.json,"
                                + " growth_comparison.json, repeated_cycles.json, progressive_growth.json or"
                                + " unet_growth.json");
            }
            JsonObject result = Json.readObject(json);
            try (OutputFolder.Held held = output.claim(null)) {
                Path out = held.folder();
                switch (name) {
                    case "pruning_tolerance.json" -> PruningTolerance.plot(result, out);
                    case "growth_comparison.json" -> GrowthComparison.plot(result, out);
                    case "repeated_cycles.json" -> RepeatedCycles.plot(result, out);
                    case "unet_growth.json" -> UnetGrowth.plot(result, out);
                    default -> ProgressiveComparison.plot(result, out);
                }
                System.out.println("written: charts in " + out);
                return 0;
            }
        }
    }

    @Command(
            name = "curve",
            mixinStandardHelpOptions = true,
            description =
                    "Plot a training run's metrics.jsonl (training loss and validation loss) as a PNG.")
    static final class Curve implements Callable<Integer> {
        @Option(
                names = "--metrics",
                required = true,
                description = "metrics.jsonl of 'sentinel train'.")
        Path metrics;

        @Option(
                names = {"-o", "--out"},
                required = true,
                description = "PNG to write.")
        Path out;

        @Override
        public Integer call() throws IOException {
            TrainingCurve curve = TrainingCurve.read(metrics);
            curve.plot(out);
            System.out.println(
                    "written: "
                            + out
                            + " ("
                            + curve.training().size()
                            + " training and "
                            + curve.validation().size()
                            + " validation points)");
            return 0;
        }
    }
}
