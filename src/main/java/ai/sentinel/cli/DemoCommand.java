package ai.sentinel.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.sentinel.data.DatasetLocator;
import ai.sentinel.data.TextDataset;
import ai.sentinel.experiments.Demo;
import ai.sentinel.io.Json;
import ai.sentinel.io.OutputFolder;
import ai.sentinel.model.CausalLm;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.PlasticityCycle;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.plasticity.StageResult;
import ai.sentinel.plasticity.ValidationSamples;
import ai.sentinel.report.RunReport;
import ai.sentinel.tokenizer.ByteTokenizer;
import ai.sentinel.tokenizer.Tokenizer;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "The whole story offline: pretrain the nano preset on the built-in English Europarl corpus (cached"
                        + " for the next run), then one plasticity cycle — measure, prune, grow, learn — with a report.",
        footer = {
            "",
            "Examples:",
            "  sentinel demo            (about 4 minutes on 2 cores the first time)",
            "  sentinel demo --quick    (under a minute: tiny budgets, same steps)"
        })
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--quick",
            description = "Small budgets: a complete run in well under a minute.")
    boolean quick;

    @Mixin CommonOptions.Output output = CommonOptions.Output.defaultingTo("runs/demo");
    @Mixin CommonOptions.Seed seedOption;

    @Override
    public Integer call() throws IOException {
        Demo.Profile p = quick ? Demo.QUICK : Demo.FULL;
        long seed = seedOption.seed;
        try (OutputFolder.Held held = output.claim(null)) {
            Path out = held.folder();
            Tokenizer tokenizer = new ByteTokenizer();
            String text = new DatasetLocator(Path.of(".")).read(DatasetLocator.EUROPARL_EN);
            TextDataset data = TextDataset.split(tokenizer.encode(text), p.seqLen(), 0.1);
            System.err.printf(
                    "Built-in corpus: %,d characters of English Europarl debates (%,d training tokens)%n",
                    text.length(), data.train().numTokens());
            if (Demo.isCached(out, p, seed)) {
                System.err.println(
                        "Using the cached pretrained model in "
                                + Demo.cacheFolder(out, p)
                                + " (delete it to pretrain again)");
            } else {
                System.err.printf("Pretraining nano for %d steps%n", p.pretrainSteps());
            }
            try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                    CausalLm model =
                            Demo.pretrained(
                                    out,
                                    p,
                                    seed,
                                    tokenizer,
                                    data,
                                    manager,
                                    new ProgressBar("pretrain"))) {
                Path run = out.resolve("cycle-" + p.name());
                List<CycleResult> results;
                try (RunLog log = new RunLog(run)) {
                    CycleConfig config = Demo.cycleConfig(p, seed);
                    JsonObject json = Json.toJsonTree(config);
                    json.addProperty("command", "demo");
                    json.addProperty(
                            "model",
                            "nano (pretrained on europarl-en, cached in "
                                    + Demo.cacheFolder(out, p)
                                    + ")");
                    json.addProperty("dataset", DatasetLocator.EUROPARL_EN);
                    log.writeJson(RunLog.CONFIG, json);
                    results =
                            new PlasticityCycle(
                                            model,
                                            data,
                                            config,
                                            log,
                                            ValidationSamples.continuingValidation(
                                                    tokenizer, data, p.sampleTokens(), seed),
                                            (m, stage) -> {},
                                            new ProgressBar("cycle"))
                                    .run();
                }
                Path report = RunReport.write(run);
                printTable(results.get(0));
                System.out.println("report: " + report.toAbsolutePath());
            }
            return 0;
        }
    }

    private static void printTable(CycleResult r) {
        System.out.println();
        System.out.println("                 before (baseline)   pruned   grown   after (final)");
        List<StageResult> stages = r.stages();
        System.out.printf(
                "perplexity       %17.3f %8.3f %7.3f %15.3f%n",
                stages.get(0).perplexity(),
                stages.get(1).perplexity(),
                stages.get(2).perplexity(),
                stages.get(3).perplexity());
        System.out.printf(
                "active heads     %17d %8d %7d %15d%n",
                stages.get(0).activeHeads(),
                stages.get(1).activeHeads(),
                stages.get(2).activeHeads(),
                stages.get(3).activeHeads());
        System.out.printf(
                "parameters       %,17d %,8d %,7d %,15d%n",
                stages.get(0).parameters(),
                stages.get(1).parameters(),
                stages.get(2).parameters(),
                stages.get(3).parameters());
        System.out.printf(
                "pruned %s, grew %s; %s%n",
                r.prunedHeads(), r.grownHeads(), r.recovery().describe());
    }
}
