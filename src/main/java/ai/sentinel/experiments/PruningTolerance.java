package ai.sentinel.experiments;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.HeadSchedule;
import ai.sentinel.plasticity.Plasticity;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.PruneRequest;
import ai.sentinel.plasticity.PruningMethod;
import ai.sentinel.report.LinePlot;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Claim 1 — "models keep their performance with 20–40% fewer active heads": validation perplexity
 * against the fraction of heads pruned, for every pruning strategy, right after pruning and after a
 * short recovery fine-tune (pruned heads frozen). Every point starts from the same saved baseline;
 * {@code random} is the reference.
 */
public final class PruningTolerance {
    /** The sweep. */
    public record Settings(
            List<Double> fractions,
            int fineTuneSteps,
            int batchSize,
            int evalBatches,
            int metricBatches,
            float learningRate,
            long seed) {}

    private PruningTolerance() {}

    public static JsonObject run(
            Path baseline, TextDataset data, Settings s, Path out, StepListener progress)
            throws IOException {
        JsonArray rows = new JsonArray();
        HeadMeasurements measured;
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                CausalLm model = ModelFiles.load(baseline, m)) {
            measured =
                    new HeadMeter(data.validation(), s.batchSize(), s.metricBatches())
                            .measure(model, MaskedHeads.AS_IS);
        }
        for (PruningMethod method : PruningMethod.values()) {
            for (double fraction : s.fractions()) {
                rows.add(
                        point(
                                baseline,
                                data,
                                s,
                                method,
                                fraction,
                                measured,
                                progress,
                                out.resolve("scratch-checkpoint")));
            }
        }
        JsonObject result = new JsonObject();
        result.add("settings", Json.toJsonTree(s));
        result.addProperty("baseline", baseline.toString());
        result.add("rows", rows);
        Json.write(out.resolve("pruning_tolerance.json"), result);
        plot(result, out);
        return result;
    }

    /** Draws the charts of a result (also from a saved pruning_tolerance.json). */
    public static void plot(JsonObject result, Path out) throws IOException {
        Map<String, double[][]> pruned = new LinkedHashMap<>();
        Map<String, double[][]> tuned = new LinkedHashMap<>();
        boolean fineTuned = false;
        for (var e : result.getAsJsonArray("rows")) {
            JsonObject row = e.getAsJsonObject();
            fineTuned |= row.has("perplexity_after_fine_tune");
            append(
                    pruned,
                    row.get("strategy").getAsString(),
                    row.get("pruned_fraction").getAsDouble(),
                    row.get("perplexity").getAsDouble());
            if (row.has("perplexity_after_fine_tune")) {
                append(
                        tuned,
                        row.get("strategy").getAsString(),
                        row.get("pruned_fraction").getAsDouble(),
                        row.get("perplexity_after_fine_tune").getAsDouble());
            }
        }
        LinePlot.write(
                out.resolve("pruning_tolerance.png"),
                "Perplexity right after pruning",
                "fraction of heads" + " pruned",
                "validation perplexity",
                pruned);
        if (fineTuned) {
            int steps = result.getAsJsonObject("settings").get("fineTuneSteps").getAsInt();
            LinePlot.write(
                    out.resolve("pruning_tolerance_fine_tuned.png"),
                    "Perplexity after " + steps + " recovery steps (pruned heads frozen)",
                    "fraction of heads pruned",
                    "validation perplexity",
                    tuned);
        }
    }

    private static void append(Map<String, double[][]> series, String name, double x, double y) {
        double[][] old = series.getOrDefault(name, new double[2][0]);
        double[][] grown = {
            Arrays.copyOf(old[0], old[0].length + 1), Arrays.copyOf(old[1], old[1].length + 1)
        };
        grown[0][old[0].length] = x;
        grown[1][old[1].length] = y;
        series.put(name, grown);
    }

    private static JsonObject point(
            Path baseline,
            TextDataset data,
            Settings s,
            PruningMethod method,
            double fraction,
            HeadMeasurements measured,
            StepListener progress,
            Path scratch)
            throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                CausalLm model = ModelFiles.load(baseline, m)) {
            int total = model.config().numLayers() * model.config().numHeads();
            Plasticity.Pruned p =
                    Plasticity.prune(
                            model,
                            measured,
                            new PruneRequest(
                                    method,
                                    fraction,
                                    PruneMode.ADAPTIVE,
                                    0.95,
                                    0.5,
                                    0.5,
                                    false,
                                    s.seed()));
            Evaluator evaluator = new Evaluator(data.validation(), s.batchSize(), s.evalBatches());
            JsonObject row = new JsonObject();
            row.addProperty("strategy", name(method));
            row.addProperty("requested_fraction", fraction);
            row.addProperty("pruned_heads", p.heads().size());
            row.addProperty("pruned_fraction", (double) p.heads().size() / total);
            row.addProperty("perplexity", evaluator.evaluate(model).perplexity());
            if (s.fineTuneSteps() > 0) {
                TrainConfig config =
                        TrainConfig.cosine(
                                s.fineTuneSteps(),
                                s.batchSize(),
                                s.learningRate(),
                                Math.max(1, s.fineTuneSteps() / 10),
                                s.evalBatches(),
                                s.seed());
                try (Trainer t = new Trainer(model, data, config, progress)) {
                    t.addHook(
                            new HeadSchedule(
                                    model, GrowthSchedule.defaults())); // pruned heads stay frozen
                    row.addProperty(
                            "perplexity_after_fine_tune",
                            t.run(scratch, folder -> {}).validation().perplexity());
                } finally {
                    AtomicFiles.deleteRecursively(scratch);
                }
            }
            return row;
        }
    }

    private static String name(PruningMethod m) {
        return m.name().toLowerCase(Locale.ROOT);
    }
}
