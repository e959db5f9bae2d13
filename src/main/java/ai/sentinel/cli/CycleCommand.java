package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.PlasticityCycle;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.report.RunReport;
import ai.sentinel.tokenizer.Tokenizer;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cycle", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The neural plasticity cycle: train, then per cycle baseline → prune → measure → grow → learn →"
                + " evaluate. Writes runs/<experiment>/ (metrics.jsonl, events.jsonl, heads.jsonl, summary.json).",
        footer = {"", "Examples:",
            "  sentinel cycle -m nano --save-visualizations",
            "  sentinel cycle -m runs/nano/model --cycles 3 --pruning-strategy magnitude --pruning-mode compressed"})
final class CycleCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin PruningOptions pruning;
    @Mixin GrowthOptions growth;

    @Option(names = {"--cycles"}, defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    int cycles;

    @Option(names = {"--initial-training-steps", "--initial_training_steps"}, defaultValue = "500",
            description = "Ordinary training before the first cycle. Default: ${DEFAULT-VALUE}.")
    int initialTrainingSteps;

    @Option(names = {"--initial-pruning", "--initial_pruning"}, defaultValue = "0.3",
            description = "Fraction of active heads pruned per cycle, in [0, 1). Default: ${DEFAULT-VALUE}.")
    double initialPruning;

    @Option(names = {"--growth-ratio", "--growth_ratio"}, defaultValue = "0.33",
            description = "Heads grown back per cycle, as a fraction of those pruned. Default: ${DEFAULT-VALUE}.")
    double growthRatio;

    @Option(names = {"--learning-steps", "--learning_steps"}, defaultValue = "300",
            description = "Training steps after growth in each cycle. Default: ${DEFAULT-VALUE}.")
    int learningSteps;

    @Mixin WarmupOptions warmup;

    @Option(names = "--batch-size", defaultValue = "16", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--warmup-steps", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
    int warmupSteps;

    @Option(names = "--eval-batches", defaultValue = "20", description = "Default: ${DEFAULT-VALUE}.")
    int evalBatches;

    @Option(names = "--metric-batches", defaultValue = "8",
            description = "Validation batches per head measurement. Default: ${DEFAULT-VALUE}.")
    int metricBatches;

    @Option(names = "--sample-tokens", defaultValue = "120",
            description = "Tokens per sample generation at each stage; 0 = none. Default: ${DEFAULT-VALUE}.")
    int sampleTokens;

    @Option(names = {"--save-visualizations", "--save_visualizations"},
            description = "Write PNG charts and report.html.")
    boolean saveVisualizations;

    @Option(names = {"--save-model", "--save_model"}, description = "Save a model folder at every stage.")
    boolean saveModel;

    @Option(names = {"--experiment-name", "--experiment_name"}, defaultValue = "cycle",
            description = "Run folder name under --runs-dir. Default: ${DEFAULT-VALUE}.")
    String experimentName;

    @Option(names = "--runs-dir", defaultValue = "runs", description = "Default: ${DEFAULT-VALUE}.")
    Path runsDir;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws IOException {
        CycleConfig config = new CycleConfig(cycles, initialTrainingSteps, learningSteps, initialPruning, growthRatio,
                pruning.strategy, growth.strategy, pruning.mode, growth.init,
                warmup.schedule(), growth.initialScale,
                pruning.maxPrunedFraction, pruning.entropyWeight, pruning.gradientWeight, pruning.normalizeImportance,
                new CycleConfig.Training(batchSize, lr, warmupSteps, evalBatches), metricBatches, sampleTokens,
                seed);
        Path run = runsDir.resolve(experimentName);
        Tokenizer tokenizer = model.loadTokenizer();
        try (NDManager manager = NDManager.newBaseManager(); CausalLm lm = model.load(manager, tokenizer, seed)) {
            TextDataset dataset = data.load(tokenizer, lm.config().vocabSize(), lm.config().maxPositions());
            List<CycleResult> results;
            try (RunLog log = new RunLog(run)) {
                log.writeJson(RunLog.CONFIG, runConfig(config));
                PlasticityCycle.StageSaver saver = saveModel ? (m, stage) -> {
                    Path folder = run.resolve("models").resolve(stage);
                    ModelFiles.save(m, folder);
                    tokenizer.save(folder);
                } : (m, stage) -> {};
                results = new PlasticityCycle(lm, dataset, config, log, Samples.continuingValidation(tokenizer, dataset, sampleTokens, seed), saver,
                        new ProgressBar("cycle")).run();
            }
            printSummary(results, run);
            if (saveVisualizations) {
                System.out.println("report: " + RunReport.write(run).toAbsolutePath());
            }
        }
        return 0;
    }

    private static void printSummary(List<CycleResult> results, Path run) {
        System.out.println("cycle  stage      perplexity  active heads  parameters");
        for (CycleResult r : results) {
            for (var s : r.stages()) {
                System.out.printf("%5d  %-9s %11.3f  %12d  %,10d%n", r.cycle(), s.stage().key(), s.perplexity(),
                        s.activeHeads(), s.parameters());
            }
            System.out.printf("cycle %d: pruned %s, grew %s; %s%n", r.cycle(), r.prunedHeads(), r.grownHeads(),
                    r.recovery().describe());
        }
        System.out.println("run folder: " + run.toAbsolutePath());
    }

    private JsonObject runConfig(CycleConfig config) {
        JsonObject json = Json.toJsonTree(config);
        json.addProperty("command", "cycle");
        json.addProperty("model", model.model);
        json.addProperty("tokenizer", model.tokenizer == null ? "default" : model.tokenizer);
        json.addProperty("dataset", data.dataset);
        json.addProperty("seq_len", data.seqLen);
        json.addProperty("validation_fraction", data.validationFraction);
        json.addProperty("save_model", saveModel);
        json.addProperty("save_visualizations", saveVisualizations);
        return json;
    }
}
