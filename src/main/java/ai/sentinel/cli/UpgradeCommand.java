package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.io.OutputFolder;
import ai.sentinel.io.RunFolderLock;
import ai.sentinel.model.CausalLm;
import ai.sentinel.plasticity.DegenerationProbe;
import ai.sentinel.report.Plural;
import ai.sentinel.tokenizer.Tokenizer;
import ai.sentinel.train.Trainable;
import ai.sentinel.upgrade.Upgrade;
import ai.sentinel.upgrade.UpgradeConfig;
import ai.sentinel.upgrade.UpgradeConfigFile;
import ai.sentinel.upgrade.UpgradeControllers;
import ai.sentinel.upgrade.UpgradeExports;
import ai.sentinel.upgrade.UpgradePlan;
import ai.sentinel.upgrade.UpgradeReport;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "upgrade",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Turn a causal LM into an adaptive one: plasticity cycles in which a bandit proposes how"
                        + " to prune and grow, a controller acts while the model learns, and a cycle that"
                        + " raises perplexity or degeneration past the limits is rolled back bit for bit."
                        + " Writes the upgraded model (Sentinel folder, hf-masked export and, where the head"
                        + " counts allow, hf-compact), metrics, events, a summary and report.html.",
        footer = {
            "",
            "Examples:",
            "  sentinel upgrade -m runs/nano/model --dataset tiny_shakespeare -o upgrades/nano",
            "  sentinel upgrade -m gpt2 --config upgrade.yaml -o upgrades/gpt2 --dry-run",
            "",
            "--config FILE (JSON or YAML, snake_case keys as in the original): dataset, cycles,"
                    + " pruning_level, growth_ratio, learning_rate, controller_config {controller_type:"
                    + " ann|learned|threshold|static, controller_lr, update_frequency, warmup_steps},"
                    + " plasticity_config {max_degeneration_increase, max_degeneration_score, max_perplexity_increase,"
                    + " training_steps, memory_capacity}, run_inference, plot, log_metrics, dry_run."
                    + " Flags given on the command line override the file."
        })
final class UpgradeCommand implements Callable<Integer> {
    /** What a dry run writes, and the only file a new run may find in its folder. */
    static final String PLAN = "plan.json";

    @Spec CommandSpec spec;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "DIR|ID",
            description =
                    "A model folder or a Hugging Face model id in the local cache (distilgpt2,"
                            + " facebook/opt-125m); preset:NAME for a random shape. May also be given as"
                            + " the first argument.")
    String modelOption;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "MODEL",
            description = "The model, as --model takes it (either spelling).")
    String modelArgument;

    /** The model named by --model or the first argument. */
    private String modelName;

    @Option(
            names = "--tokenizer",
            paramLabel = "byte|DIR",
            description = "For presets: byte (default) or a folder.")
    String tokenizer;

    @Option(
            names = "--revision",
            paramLabel = "REV",
            description = "Hub-cache revision (default: main).")
    String revision;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            paramLabel = "cpu|gpu",
            description = ModelOptions.DEVICE_HELP)
    String device;

    @Mixin DataOptions data;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON or YAML configuration.")
    Path configFile;

    @Option(names = "--cycles", paramLabel = "N", description = "Default 3.")
    Integer cycles;

    @Option(
            names = "--pruning-level",
            paramLabel = "X",
            description = "Share of active heads pruned. Default 0.3.")
    Double pruningLevel;

    @Option(
            names = "--growth-ratio",
            paramLabel = "X",
            description = "Share of pruned heads grown. Default 0.5.")
    Double growthRatio;

    @Option(names = "--learning-rate", paramLabel = "X", description = "Default 5e-5.")
    Double learningRate;

    @Option(
            names = "--controller",
            paramLabel = "TYPE",
            description = "ann (= learned), learned, threshold or static. Default: ann.")
    String controller;

    @Option(
            names = "--controller-lr",
            paramLabel = "X",
            description = "Learned gates' rate. Default 0.05.")
    Double controllerLr;

    @Option(
            names = "--update-frequency",
            paramLabel = "N",
            description = "Steps between controller decisions.")
    Integer updateFrequency;

    @Option(
            names = "--controller-warmup-steps",
            paramLabel = "N",
            description = "Steps before the controller acts.")
    Integer controllerWarmup;

    @Option(
            names = "--max-degeneration-increase",
            paramLabel = "X",
            description =
                    "Per cycle, degeneration score points over the baseline's (the model before"
                            + " the first cycle). Default 1.0.")
    Double maxDegenerationIncrease;

    @Option(
            names = "--max-degeneration-score",
            paramLabel = "X",
            description =
                    "An absolute ceiling on the degeneration score (0 to 10) besides the increase"
                            + " limit. Default: none.")
    Double maxDegeneration;

    @Option(
            names = "--max-perplexity-increase",
            paramLabel = "X",
            description = "Per cycle, relative. Default 0.15.")
    Double maxPerplexityIncrease;

    @Option(
            names = "--training-steps",
            paramLabel = "N",
            description = "Learning steps per cycle. Default 100.")
    Integer trainingSteps;

    @Option(
            names = "--memory-capacity",
            paramLabel = "N",
            description = "Outcomes that steer proposals. Default 5.")
    Integer memoryCapacity;

    @Option(names = "--no-inference", description = "Skip the before/after continuations.")
    boolean noInference;

    @Option(names = "--no-plot", description = "No charts.")
    boolean noPlot;

    @Option(
            names = "--dry-run",
            description = "Validate, time three steps, print the plan; write only plan.json.")
    boolean dryRun;

    @Option(names = "--resume", description = "Continue an interrupted upgrade in -o OUT.")
    boolean resume;

    @Option(
            names = "--force",
            description = "Write into an output folder that already holds files.")
    boolean force;

    @Mixin CommonOptions.BatchSize batch = CommonOptions.BatchSize.of(8);
    @Mixin CommonOptions.EvalBatches evalBatches;
    @Mixin CommonOptions.MetricBatches metricBatches;

    @Option(
            names = "--warmup-steps",
            defaultValue = "10",
            description =
                    "Learning-rate warm-up of each cycle's learning. Default: ${DEFAULT-VALUE}.")
    int warmupSteps;

    @Option(
            names = "--train",
            paramLabel = "all|attention",
            defaultValue = "all",
            description =
                    "What each cycle's learning updates: all (default), or attention: the attention"
                            + " projections and norms/biases only, for a model whose full AdamW"
                            + " state (4 x its F32 weights) does not fit in memory.")
    String train;

    @Option(
            names = "--micro-batch",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "Rows of a batch each training pass takes, their gradients accumulated into"
                            + " the same update (0, the default: the whole batch). Fewer rows keep"
                            + " fewer activations in memory; the update is the batch's up to float"
                            + " rounding.")
    int microBatch;

    @Mixin UnetOptions unet;
    @Mixin CommonOptions.Seed seedOption;

    @Option(
            names = {"-o", "--out"},
            required = true,
            paramLabel = "OUT",
            description = "Output folder.")
    Path out;

    @Override
    public Integer call() throws IOException {
        modelName = modelName();
        Trainable trained = Trainable.parse(train); // before a model is loaded
        if (microBatch < 0) {
            throw new IllegalArgumentException(
                    "--micro-batch must be >= 0 (0: the whole batch), got " + microBatch);
        }
        UpgradeConfig config = config();
        data.dataset = config.dataset();
        boolean dry = config.dryRun();
        ModelOptions model = new ModelOptions();
        model.model = modelName;
        model.tokenizer = tokenizer;
        model.revision = revision != null ? revision : "main";
        model.device = device;
        model.requireApartFrom(out, "--out");
        try (OutputFolder.Held held = OutputFolder.claim(out, "--out", "sentinel upgrade")) {
            requireUsableOutput(dry);
            UpgradeControllers.idleNote(config).ifPresent(n -> System.err.println("note: " + n));
            return upgrade(config, dry, model, trained);
        }
    }

    private String modelName() {
        if (modelOption != null && modelArgument != null && !modelOption.equals(modelArgument)) {
            throw new IllegalArgumentException(
                    "the model is given twice, as --model "
                            + modelOption
                            + " and as "
                            + modelArgument
                            + "; give it once");
        }
        if (modelOption == null && modelArgument == null) {
            throw new IllegalArgumentException(
                    "no model: give --model DIR|ID (or the model as the first argument)");
        }
        return modelOption != null ? modelOption : modelArgument;
    }

    /** Plans or runs the upgrade into {@code out}, which this run holds. */
    private int upgrade(UpgradeConfig config, boolean dry, ModelOptions model, Trainable trained)
            throws IOException {
        Tokenizer tok = model.loadTokenizer();
        try (NDManager manager = model.newManager();
                CausalLm lm = model.load(manager, tok, seedOption.seed)) {
            TextDataset dataset =
                    data.load(tok, lm.config().vocabSize(), lm.config().maxPositions());
            unet.apply(lm);
            Upgrade.Settings settings =
                    new Upgrade.Settings(
                            config,
                            batch.batchSize,
                            evalBatches.evalBatches,
                            metricBatches.metricBatches,
                            warmupSteps,
                            seedOption.seed,
                            trained,
                            microBatch);
            if (dry) {
                UpgradePlan plan = UpgradePlan.measure(lm, tok, dataset, settings);
                JsonObject json = plan.toJson();
                json.addProperty("model", modelName);
                json.addProperty("dataset", config.dataset());
                json.addProperty("dataset_source", data.describe());
                Json.write(out.resolve(PLAN), json);
                System.out.print(plan.describe(modelName, data.describe()));
                System.out.println(
                        "plan written to "
                                + out.resolve(PLAN)
                                + "; nothing else was written. Run the same command without"
                                + " --dry-run to upgrade (the run replaces the plan).");
                return 0;
            }
            Files.deleteIfExists(out.resolve(PLAN)); // the dry run's plan, replaced by the run
            JsonObject recorded = Json.toJsonTree(config);
            recorded.addProperty("model", modelName);
            recorded.addProperty("random_weights", model.isPreset());
            recorded.addProperty("dataset_source", data.describe());
            recorded.addProperty("seed", seedOption.seed);
            recorded.addProperty("batch_size", batch.batchSize);
            recorded.addProperty("train", trained.label());
            recorded.addProperty("micro_batch", microBatch);
            recorded.addProperty("seq_len", data.seqLen.seqLen);
            unet.record(recorded);
            if (resume) {
                // a run that ran out of memory while learning resumes with a smaller --micro-batch:
                // the same updates, less memory (and a run from before the option has no key)
                RecordedOptions.requireSame(
                        out,
                        "upgrade_config.json",
                        Json.readObject(out.resolve("upgrade_config.json")),
                        Json.parseObject(Json.pretty(recorded), "options"),
                        Set.of("micro_batch"));
            }
            Json.write(out.resolve("upgrade_config.json"), recorded);
            EtaDisplay eta = new EtaDisplay();
            Upgrade upgrade =
                    new Upgrade(lm, tok, dataset, settings, out, eta, new ProgressBar("learn"));
            Upgrade.Result result = upgrade.run(resume);
            List<String> notes = UpgradeExports.write(lm, tok, out, modelName, result);
            notes.forEach(n -> System.err.println("note: " + n));
            UpgradeReport.write(
                    out, modelName, config, result, DegenerationProbe.DEFAULT_PROMPTS, notes);
            System.out.printf(
                    "perplexity %.4f -> %.4f, active heads %d -> %d, degeneration %.2f -> %.2f; %d of %s"
                            + " kept%n",
                    result.before().perplexity(),
                    result.after().perplexity(),
                    result.before().activeHeads(),
                    result.after().activeHeads(),
                    result.before().degeneration(),
                    result.after().degeneration(),
                    result.outcomes().stream().filter(o -> o.accepted()).count(),
                    Plural.of(result.outcomes().size(), "cycle"));
            System.out.println("upgraded model and report in " + out.toAbsolutePath());
        }
        return 0;
    }

    /** Defaults, then the file, then the flags given. */
    private UpgradeConfig config() throws IOException {
        UpgradeConfig c = UpgradeConfig.defaults();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("--config " + configFile + " is not a file");
            }
            c = UpgradeConfigFile.read(configFile, c);
        }
        UpgradeConfig.ControllerConfig cc = c.controller();
        UpgradeConfig.PlasticityConfig pc = c.plasticity();
        return new UpgradeConfig(
                data.datasetGiven(spec) ? data.dataset : c.dataset(),
                cycles != null ? cycles : c.cycles(),
                pruningLevel != null ? pruningLevel : c.pruningLevel(),
                growthRatio != null ? growthRatio : c.growthRatio(),
                learningRate != null ? learningRate : c.learningRate(),
                new UpgradeConfig.ControllerConfig(
                        controller != null
                                ? UpgradeConfigFile.controllerType(controller)
                                : cc.type(),
                        controllerLr != null ? controllerLr : cc.lr(),
                        updateFrequency != null ? updateFrequency : cc.updateFrequency(),
                        controllerWarmup != null ? controllerWarmup : cc.warmupSteps()),
                new UpgradeConfig.PlasticityConfig(
                        maxDegenerationIncrease != null
                                ? maxDegenerationIncrease
                                : pc.maxDegenerationIncrease(),
                        maxDegeneration != null ? maxDegeneration : pc.maxDegenerationScore(),
                        maxPerplexityIncrease != null
                                ? maxPerplexityIncrease
                                : pc.maxPerplexityIncrease(),
                        trainingSteps != null ? trainingSteps : pc.trainingSteps(),
                        memoryCapacity != null ? memoryCapacity : pc.memoryCapacity()),
                !noInference && c.runInference(),
                !noPlot && c.plot(),
                c.logMetrics(),
                dryRun || c.dryRun());
    }

    /**
     * A new run needs an empty folder, or one holding only a dry run's plan (the documented flow:
     * {@code --dry-run}, then the same command without it); anything else may be a previous run's
     * results and is kept unless {@code --force}. A dry run is held to the same rule, so its plan
     * never lands beside a real run's results.
     */
    private void requireUsableOutput(boolean dry) throws IOException {
        if (resume && dry) {
            throw new IllegalArgumentException(
                    "--dry-run plans a new upgrade and --resume continues one; give one of them");
        }
        if (resume) {
            if (!Upgrade.canResume(out)) {
                throw new IllegalArgumentException(
                        "--resume: no upgrade state in "
                                + out
                                + " to continue from (it was stopped before its first save); start"
                                + " again with --force");
            }
            return;
        }
        if (!force && Files.isDirectory(out)) {
            try (Stream<Path> files = Files.list(out)) {
                if (files.map(f -> f.getFileName().toString())
                        .anyMatch(name -> !name.equals(PLAN) && !name.equals(RunFolderLock.FILE))) {
                    throw new IllegalArgumentException(
                            "--out "
                                    + out
                                    + " already holds files; add --resume to continue an upgrade"
                                    + " there, or --force to start over");
                }
            }
        }
    }

    /** Which cycle and phase the upgrade is in, with an estimate of the time left. */
    private static final class EtaDisplay implements Upgrade.Listener {
        private final long start = System.nanoTime();
        private int firstCycle = -1;

        @Override
        public void phase(int cycle, int cycles, String phase) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (firstCycle < 0 && cycle >= 1) {
                firstCycle = cycle;
            }
            String eta = "";
            int done = cycle - (firstCycle < 0 ? 1 : firstCycle);
            if (done > 0 && cycle <= cycles) {
                double perCycle = elapsed / done;
                long left = Math.round(perCycle * (cycles - cycle + 1));
                eta = String.format("  ETA %d:%02d", left / 60, left % 60);
            }
            System.err.printf("[cycle %d/%d] %s%s%n", cycle, cycles, phase, eta);
        }
    }
}
