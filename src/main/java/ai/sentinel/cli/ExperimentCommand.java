package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.experiments.PruningTolerance;
import ai.sentinel.model.CausalLm;
import ai.sentinel.report.LinePlot;
import ai.sentinel.tokenizer.Tokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Experiments behind bench/EXPERIMENTS.md (run by the scripts in bench/experiments/).",
        subcommands = {ExperimentCommand.Tolerance.class, ExperimentCommand.TolerancePlot.class,
            ExperimentCommand.Curve.class})
final class ExperimentCommand {
    @Command(name = "pruning-tolerance", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Perplexity against the fraction of heads pruned, for every pruning strategy, before and"
                    + " after a recovery fine-tune; writes pruning_tolerance.json and charts.",
            footer = {"", "Example:", "  sentinel experiment pruning-tolerance -m bench/results/baseline/model"
                    + " --data-dir ../shared/data -o bench/results/claim1"})
    static final class Tolerance implements Callable<Integer> {
        @Mixin ModelOptions model;
        @Mixin DataOptions data;

        @Option(names = "--fractions", split = ",", defaultValue = "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8",
                description = "Fractions of heads to prune. Default: ${DEFAULT-VALUE}.")
        List<Double> fractions;

        @Option(names = "--fine-tune-steps", defaultValue = "100", description = "0 = none. Default: ${DEFAULT-VALUE}.")
        int fineTuneSteps;

        @Option(names = "--batch-size", defaultValue = "16", description = "Default: ${DEFAULT-VALUE}.")
        int batchSize;

        @Option(names = "--eval-batches", defaultValue = "20", description = "Default: ${DEFAULT-VALUE}.")
        int evalBatches;

        @Option(names = "--metric-batches", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
        int metricBatches;

        @Option(names = "--lr", defaultValue = "1e-3", description = "Fine-tune rate. Default: ${DEFAULT-VALUE}.")
        float lr;

        @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = {"-o", "--out"}, required = true, description = "Folder for the JSON and charts.")
        Path out;

        @Override
        public Integer call() throws IOException {
            for (double f : fractions) {
                if (!(f >= 0 && f < 1)) {
                    throw new IllegalArgumentException("--fractions must lie in [0, 1), got " + f);
                }
            }
            Tokenizer tokenizer = model.loadTokenizer();
            TextDataset dataset;
            try (NDManager manager = NDManager.newBaseManager(); CausalLm lm = model.load(manager, tokenizer, seed)) {
                dataset = data.load(tokenizer, lm.config().vocabSize(), lm.config().maxPositions());
            }
            JsonObject result = PruningTolerance.run(model.folder(), dataset, new PruningTolerance.Settings(
                    fractions, fineTuneSteps, batchSize, evalBatches, metricBatches, lr, seed), out,
                    new ProgressBar("fine-tune"));
            for (var row : result.getAsJsonArray("rows")) {
                System.out.println(row);
            }
            System.out.println("written: " + out.resolve("pruning_tolerance.json"));
            return 0;
        }
    }

    @Command(name = "pruning-tolerance-plot", mixinStandardHelpOptions = true,
            description = "Redraw the charts of a saved pruning_tolerance.json.")
    static final class TolerancePlot implements Callable<Integer> {
        @Option(names = "--json", required = true, description = "A pruning_tolerance.json.")
        Path json;

        @Option(names = {"-o", "--out"}, required = true, description = "Folder for the charts.")
        Path out;

        @Override
        public Integer call() throws IOException {
            PruningTolerance.plot(ai.sentinel.io.Json.readObject(json), out);
            System.out.println("written: charts in " + out);
            return 0;
        }
    }

    @Command(name = "curve", mixinStandardHelpOptions = true,
            description = "Plot a training run's metrics.jsonl (training loss and validation loss) as a PNG.")
    static final class Curve implements Callable<Integer> {
        @Option(names = "--metrics", required = true, description = "metrics.jsonl of 'sentinel train'.")
        Path metrics;

        @Option(names = {"-o", "--out"}, required = true, description = "PNG to write.")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<double[]> train = new ArrayList<>();
            List<double[]> validation = new ArrayList<>();
            for (String line : Files.readAllLines(metrics)) {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                boolean eval = o.get("event").getAsString().equals("eval");
                (eval ? validation : train).add(new double[] {o.get("step").getAsDouble(),
                    o.get(eval ? "val_loss" : "loss").getAsDouble()});
            }
            Map<String, double[][]> series = new LinkedHashMap<>();
            series.put("training loss", columns(train));
            series.put("validation loss", columns(validation));
            LinePlot.write(out, "Training curve", "optimizer step", "loss (nats)", series);
            System.out.println("written: " + out + " (" + train.size() + " training and " + validation.size()
                    + " validation points)");
            return 0;
        }

        private static double[][] columns(List<double[]> points) {
            double[][] xy = new double[2][points.size()];
            for (int i = 0; i < points.size(); i++) {
                xy[0][i] = points.get(i)[0];
                xy[1][i] = points.get(i)[1];
            }
            return xy;
        }
    }
}
