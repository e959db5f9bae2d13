package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.io.OutputFolder;
import ai.sentinel.model.CausalLm;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.CycleCheckpoint;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.PlasticityCycle;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.plasticity.ValidationSamples;
import ai.sentinel.report.RunReport;
import ai.sentinel.tokenizer.Tokenizer;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "cycle",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "The neural plasticity cycle: train, then per cycle baseline → prune → measure → grow → learn →"
                        + " evaluate. Writes runs/<experiment>/ (metrics.jsonl, events.jsonl, heads.jsonl, summary.json).",
        footer = {
            "",
            "Examples:",
            "  sentinel cycle -m nano --save-visualizations",
            "  sentinel cycle -m runs/nano/model --cycles 3 --pruning-strategy magnitude --pruning-mode compressed"
        })
final class CycleCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin PruningOptions pruning;
    @Mixin GrowthOptions growth;

    @Option(
            names = {"--cycles"},
            defaultValue = "1",
            description = "Default: ${DEFAULT-VALUE}.")
    int cycles;

    @Option(
            names = {"--initial-training-steps", "--initial_training_steps"},
            defaultValue = "500",
            description = "Ordinary training before the first cycle. Default: ${DEFAULT-VALUE}.")
    int initialTrainingSteps;

    @Option(
            names = {"--initial-pruning", "--initial_pruning"},
            defaultValue = "0.3",
            description =
                    "Fraction of active heads pruned per cycle, in [0, 1). Default: ${DEFAULT-VALUE}.")
    double initialPruning;

    @Option(
            names = {"--growth-ratio", "--growth_ratio"},
            defaultValue = "0.33",
            description =
                    "Heads grown back per cycle, as a fraction of those pruned. Default: ${DEFAULT-VALUE}.")
    double growthRatio;

    @Option(
            names = {"--learning-steps", "--learning_steps"},
            defaultValue = "300",
            description = "Training steps after growth in each cycle. Default: ${DEFAULT-VALUE}.")
    int learningSteps;

    @Mixin WarmupOptions warmup;

    @Mixin CommonOptions.Training training;
    @Mixin CommonOptions.MetricBatches metricBatches;

    @Option(
            names = "--sample-tokens",
            defaultValue = "120",
            description =
                    "Tokens per sample generation at each stage; 0 = none. Default: ${DEFAULT-VALUE}.")
    int sampleTokens;

    @Option(
            names = {"--save-visualizations", "--save_visualizations"},
            description = "Write PNG charts and report.html.")
    boolean saveVisualizations;

    @Option(
            names = {"--save-model", "--save_model"},
            description = "Save a model folder at every stage.")
    boolean saveModel;

    @Option(
            names = {"--experiment-name", "--experiment_name"},
            defaultValue = "cycle",
            description = "Run folder name under --runs-dir. Default: ${DEFAULT-VALUE}.")
    String experimentName;

    @Option(names = "--runs-dir", defaultValue = "runs", description = "Default: ${DEFAULT-VALUE}.")
    Path runsDir;

    @Mixin CommonOptions.Seed seedOption;

    @Mixin
    CommonOptions.CheckpointEvery checkpointEvery = CommonOptions.CheckpointEvery.atPhaseEnds();

    @Mixin UnetOptions unet;

    @Mixin ControllerOptions controller;
    @Mixin ControllerOptions.Target target;

    @Option(
            names = "--resume",
            description =
                    "Continue the killed run in --runs-dir/--experiment-name from its last"
                            + " completed stage or checkpoint (run with the same options); it ends as an uninterrupted run would.")
    boolean resume;

    @Override
    public Integer call() throws IOException {
        CycleConfig config =
                CycleConfig.builder()
                        .cycles(cycles)
                        .initialTrainingSteps(initialTrainingSteps)
                        .learningSteps(learningSteps)
                        .initialPruning(initialPruning)
                        .growthRatio(growthRatio)
                        .pruning(pruning.strategy)
                        .mode(pruning.mode)
                        .maxPrunedFraction(pruning.maxPrunedFraction)
                        .entropyWeight(pruning.entropyWeight)
                        .gradientWeight(pruning.gradientWeight)
                        .normalizeImportance(pruning.normalizeImportance)
                        .gqaPolicy(pruning.gqaPolicy())
                        .uniformLayers(pruning.uniformLayers)
                        .growth(growth.strategy)
                        .init(growth.init)
                        .initialScale(growth.initialScale)
                        .schedule(warmup.schedule())
                        .training(training.cycleTraining(checkpointEvery.checkpointEvery))
                        .metricBatches(metricBatches.metricBatches)
                        .sampleTokens(sampleTokens)
                        .seed(seedOption.seed)
                        .build();
        if (!config.learningSchedule().equals(config.schedule())) {
            System.err.printf(
                    "note: the gate warm-up (%d steps) and new-head rate decay (%d) are fitted to the"
                            + " %d-step learning phase, so grown heads are fully open when it ends%n",
                    config.schedule().gateWarmupSteps(),
                    config.schedule().lrDecaySteps(),
                    learningSteps);
        }
        Optional<ControllerFactory> headController =
                controller.factory(
                        pruning.mode,
                        pruning.maxPrunedFraction,
                        target.targetActive,
                        training.batchSize.batchSize,
                        warmup,
                        summary -> summary.lines().forEach(System.err::println));
        Path folder = runsDir.resolve(runName(experimentName));
        model.requireApartFrom(folder, "--runs-dir/--experiment-name");
        try (OutputFolder.Held held =
                OutputFolder.claim(folder, "--runs-dir/--experiment-name", "sentinel cycle")) {
            return cycle(config, headController, held.folder());
        }
    }

    /** Runs (or resumes) the cycles in {@code run}, a folder this run holds. */
    private int cycle(CycleConfig config, Optional<ControllerFactory> headController, Path run)
            throws IOException {
        Optional<CycleCheckpoint.State> saved =
                resume ? savedState(run, runConfig(config)) : Optional.empty();
        Tokenizer tokenizer = model.loadTokenizer();
        try (NDManager manager = model.newManager();
                CausalLm lm =
                        saved.isPresent()
                                ? CycleCheckpoint.loadModel(run, saved.get(), manager)
                                : model.load(manager, tokenizer, seedOption.seed)) {
            unet.apply(lm);
            UnetOptions.requireSkipsFor(config.init(), lm);
            TextDataset dataset =
                    data.load(tokenizer, lm.config().vocabSize(), lm.config().maxPositions());
            List<CycleResult> results;
            try (RunLog log = new RunLog(run, saved.isPresent())) {
                log.writeJson(RunLog.CONFIG, runConfig(config));
                PlasticityCycle.StageSaver saver =
                        saveModel
                                ? (m, stage) -> {
                                    ModelOutput.save(
                                            m, tokenizer, run.resolve("models").resolve(stage));
                                }
                                : (m, stage) -> {};
                PlasticityCycle cycle =
                        new PlasticityCycle(
                                lm,
                                dataset,
                                config,
                                log,
                                ValidationSamples.continuingValidation(
                                        tokenizer, dataset, sampleTokens, seedOption.seed),
                                saver,
                                new ProgressBar("cycle"));
                headController.ifPresent(cycle::withController);
                results = saved.isPresent() ? cycle.resume(saved.get()) : cycle.run();
            }
            printSummary(results, run);
            if (saveVisualizations) {
                System.out.println("report: " + RunReport.write(run).toAbsolutePath());
            }
        }
        return 0;
    }

    /**
     * An experiment name is one folder name: it may not climb out of --runs-dir or into a
     * sub-folder.
     */
    static String runName(String name) {
        if (name.isBlank()
                || name.equals(".")
                || name.equals("..")
                || name.contains("/")
                || name.contains("\\")
                || name.contains("\0")) {
            throw new IllegalArgumentException(
                    "--experiment-name \""
                            + name
                            + "\" must be a single folder name"
                            + " (letters, digits, '-', '_', '.'; no '/', '..' or empty name): it names a folder inside"
                            + " --runs-dir");
        }
        return name;
    }

    /**
     * The state to resume {@code run} from: empty when the run was killed before its first save (it
     * then starts over, which ends the same). The options must be those the run was started with.
     */
    private static Optional<CycleCheckpoint.State> savedState(Path run, JsonObject current)
            throws IOException {
        JsonObject options =
                Json.parseObject(
                        Json.pretty(current), "options"); // numbers as they read back from disk
        Path started = run.resolve(RunLog.CONFIG);
        if (!Files.isRegularFile(started)) {
            throw new IOException("--resume: no run in " + run + " (no " + RunLog.CONFIG + ")");
        }
        RecordedOptions.requireSame(run, RunLog.CONFIG, Json.readObject(started), options);
        Optional<CycleCheckpoint.State> state = CycleCheckpoint.read(run);
        if (state.isEmpty()) {
            System.err.println(
                    "Nothing of "
                            + run
                            + " was saved before it stopped: starting it from the beginning");
        } else {
            System.err.printf(
                    "Resuming %s at cycle %d (%s), step %d%n",
                    run,
                    state.get().cycle(),
                    state.get().point().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                    state.get().step());
        }
        return state;
    }

    private static void printSummary(List<CycleResult> results, Path run) {
        System.out.println("cycle  stage      perplexity  active heads  parameters");
        for (CycleResult r : results) {
            for (var s : r.stages()) {
                System.out.printf(
                        "%5d  %-9s %11.3f  %12d  %,10d%n",
                        r.cycle(),
                        s.stage().key(),
                        s.perplexity(),
                        s.activeHeads(),
                        s.parameters());
            }
            System.out.printf(
                    "cycle %d: pruned %s, grew %s; %s%n",
                    r.cycle(), r.prunedHeads(), r.grownHeads(), r.recovery().describe());
        }
        System.out.println("run folder: " + run.toAbsolutePath());
    }

    private JsonObject runConfig(CycleConfig config) throws IOException {
        JsonObject json = Json.toJsonTree(config);
        json.addProperty("command", "cycle");
        json.addProperty("model", model.model);
        json.addProperty("random_weights", model.isPreset());
        json.addProperty("tokenizer", model.tokenizer == null ? "default" : model.tokenizer);
        json.addProperty("dataset", data.dataset);
        json.addProperty("seq_len", data.seqLen.seqLen);
        json.addProperty("validation_fraction", data.validationFraction);
        json.addProperty("save_model", saveModel);
        json.addProperty("save_visualizations", saveVisualizations);
        unet.record(json);
        controller.record(json);
        return json;
    }
}
