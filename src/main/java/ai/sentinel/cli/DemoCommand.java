package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.DatasetLocator;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.model.gpt2.Gpt2Preset;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.PlasticityCycle;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.PruningMethod;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.plasticity.StageResult;
import ai.sentinel.report.RunReport;
import ai.sentinel.tokenizer.ByteTokenizer;
import ai.sentinel.tokenizer.Tokenizer;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The whole story offline: pretrain the nano preset on the built-in English Europarl corpus (cached"
                + " for the next run), then one plasticity cycle — measure, prune, grow, learn — with a report.",
        footer = {"", "Examples:", "  sentinel demo            (about 4 minutes on 2 cores the first time)",
            "  sentinel demo --quick    (under a minute: tiny budgets, same steps)"})
final class DemoCommand implements Callable<Integer> {
    /** The budgets of a demo run. */
    private record Profile(String name, int pretrainSteps, int batchSize, int seqLen, int learningSteps,
            int evalBatches, int metricBatches, int sampleTokens) {}

    private static final Profile FULL = new Profile("full", 1200, 16, 128, 300, 20, 8, 160);
    private static final Profile QUICK = new Profile("quick", 150, 8, 64, 60, 4, 2, 60);

    @Option(names = "--quick", description = "Small budgets: a complete run in well under a minute.")
    boolean quick;

    @Option(names = {"-o", "--out"}, defaultValue = "runs/demo",
            description = "Folder for the cached pretrained model and the cycle's run. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws IOException {
        Profile p = quick ? QUICK : FULL;
        Tokenizer tokenizer = new ByteTokenizer();
        String text = new DatasetLocator(Path.of(".")).read(DatasetLocator.EUROPARL_EN);
        TextDataset data = TextDataset.split(tokenizer.encode(text), p.seqLen(), 0.1);
        System.err.printf("Built-in corpus: %,d characters of English Europarl debates (%,d training tokens)%n",
                text.length(), data.train().numTokens());
        try (NDManager manager = NDManager.newBaseManager(); CausalLm model = pretrained(manager, p, tokenizer, data)) {
            Path run = out.resolve("cycle-" + p.name());
            List<CycleResult> results;
            try (RunLog log = new RunLog(run)) {
                CycleConfig config = cycleConfig(p);
                JsonObject json = Json.toJsonTree(config);
                json.addProperty("command", "demo");
                json.addProperty("model", "nano (pretrained on europarl-en, cached in " + cacheFolder(p) + ")");
                json.addProperty("dataset", DatasetLocator.EUROPARL_EN);
                log.writeJson(RunLog.CONFIG, json);
                results = new PlasticityCycle(model, data, config, log,
                        Samples.continuingValidation(tokenizer, data, p.sampleTokens(), seed), (m, stage) -> {},
                        new ProgressBar("cycle")).run();
            }
            Path report = RunReport.write(run);
            printTable(results.get(0));
            System.out.println("report: " + report.toAbsolutePath());
        }
        return 0;
    }

    private Path cacheFolder(Profile p) {
        return out.resolve("pretrained-" + p.name());
    }

    /** The cached pretrained model if this profile and seed made one, else pretrains and caches it. */
    private CausalLm pretrained(NDManager manager, Profile p, Tokenizer tokenizer, TextDataset data)
            throws IOException {
        Path cache = cacheFolder(p);
        JsonObject key = new JsonObject();
        key.addProperty("profile", p.name());
        key.addProperty("pretrain_steps", p.pretrainSteps());
        key.addProperty("seed", seed);
        Path keyFile = cache.resolve("demo-pretraining.json");
        if (Files.exists(keyFile) && Json.readObject(keyFile).equals(key)) {
            System.err.println("Using the cached pretrained model in " + cache + " (delete it to pretrain again)");
            return ModelFiles.load(cache, manager);
        }
        CausalLm model = Gpt2Model.initialize(Gpt2Preset.NANO.config(tokenizer.vocabSize()), manager, seed);
        TrainConfig train = TrainConfig.cosine(p.pretrainSteps(), p.batchSize(), 3e-3f,
                Math.min(100, p.pretrainSteps() / 5), p.evalBatches(), seed);
        System.err.printf("Pretraining nano (%,d weights) for %d steps%n", model.numParameters(), p.pretrainSteps());
        try (Trainer trainer = new Trainer(model, data, train, new ProgressBar("pretrain"))) {
            trainer.run(out.resolve("pretraining-checkpoint"), tokenizer::save);
        }
        ModelFiles.save(model, cache);
        tokenizer.save(cache);
        Json.write(keyFile, key);
        return model;
    }

    private CycleConfig cycleConfig(Profile p) {
        int ramp = Math.max(1, Math.min(100, p.learningSteps() / 2));
        return new CycleConfig(1, 0, p.learningSteps(), 0.3, 0.33, PruningMethod.ENTROPY,
                GrowthMethod.GRADIENT_SENSITIVITY, PruneMode.ADAPTIVE, GrowthInit.FUNCTION_PRESERVING,
                new GrowthSchedule(0.01f, ramp, 5f, ramp), 0.01f, 0.9, 0.5, 0.5, false,
                new CycleConfig.Training(p.batchSize(), 3e-3f, Math.min(100, p.learningSteps() / 5),
                        p.evalBatches()), p.metricBatches(), p.sampleTokens(), seed);
    }

    private static void printTable(CycleResult r) {
        System.out.println();
        System.out.println("                 before (baseline)   pruned   grown   after (final)");
        List<StageResult> stages = r.stages();
        System.out.printf("perplexity       %17.3f %8.3f %7.3f %15.3f%n", stages.get(0).perplexity(),
                stages.get(1).perplexity(), stages.get(2).perplexity(), stages.get(3).perplexity());
        System.out.printf("active heads     %17d %8d %7d %15d%n", stages.get(0).activeHeads(),
                stages.get(1).activeHeads(), stages.get(2).activeHeads(), stages.get(3).activeHeads());
        System.out.printf("parameters       %,17d %,8d %,7d %,15d%n", stages.get(0).parameters(),
                stages.get(1).parameters(), stages.get(2).parameters(), stages.get(3).parameters());
        System.out.printf("pruned %s, grew %s; %s%n", r.prunedHeads(), r.grownHeads(), r.recovery().describe());
    }
}
