package ai.sentinel.experiments;

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
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Claim 1 — "models keep their performance with 20–40% fewer active heads": validation perplexity against the
 * fraction of heads pruned, for every pruning strategy, right after pruning and after a short recovery fine-tune
 * (pruned heads frozen). Every point starts from the same saved baseline; {@code random} is the reference.
 */
public final class PruningTolerance {
    /** The sweep. */
    public record Settings(List<Double> fractions, int fineTuneSteps, int batchSize, int evalBatches,
            int metricBatches, float learningRate, long seed) {}

    private PruningTolerance() {}

    public static JsonObject run(Path baseline, TextDataset data, Settings s, Path out, StepListener progress)
            throws IOException {
        JsonArray rows = new JsonArray();
        Map<String, double[][]> pruned = new LinkedHashMap<>();
        Map<String, double[][]> tuned = new LinkedHashMap<>();
        HeadMeasurements measured;
        try (NDManager m = NDManager.newBaseManager(); CausalLm model = ModelFiles.load(baseline, m)) {
            measured = new HeadMeter(data.validation(), s.batchSize(), s.metricBatches()).measure(model,
                    MaskedHeads.AS_IS);
        }
        for (PruningMethod method : PruningMethod.values()) {
            double[][] a = new double[2][s.fractions().size()];
            double[][] b = new double[2][s.fractions().size()];
            for (int i = 0; i < s.fractions().size(); i++) {
                JsonObject row = point(baseline, data, s, method, s.fractions().get(i), measured, progress,
                        out.resolve("scratch-checkpoint"));
                rows.add(row);
                a[0][i] = b[0][i] = row.get("pruned_fraction").getAsDouble();
                a[1][i] = row.get("perplexity").getAsDouble();
                b[1][i] = row.has("perplexity_after_fine_tune") ? row.get("perplexity_after_fine_tune")
                        .getAsDouble() : a[1][i];
            }
            pruned.put(name(method), a);
            tuned.put(name(method), b);
        }
        JsonObject result = new JsonObject();
        result.add("settings", Json.toJsonTree(s));
        result.addProperty("baseline", baseline.toString());
        result.add("rows", rows);
        Json.write(out.resolve("pruning_tolerance.json"), result);
        LinePlot.write(out.resolve("pruning_tolerance.png"), "Perplexity right after pruning", "fraction of heads"
                + " pruned", "validation perplexity", pruned);
        if (s.fineTuneSteps() > 0) {
            LinePlot.write(out.resolve("pruning_tolerance_fine_tuned.png"), "Perplexity after " + s.fineTuneSteps()
                    + " recovery steps", "fraction of heads pruned", "validation perplexity", tuned);
        }
        return result;
    }

    private static JsonObject point(Path baseline, TextDataset data, Settings s, PruningMethod method,
            double fraction, HeadMeasurements measured, StepListener progress, Path scratch) throws IOException {
        try (NDManager m = NDManager.newBaseManager(); CausalLm model = ModelFiles.load(baseline, m)) {
            int total = model.config().numLayers() * model.config().numHeads();
            Plasticity.Pruned p = Plasticity.prune(model, measured, new PruneRequest(method, fraction,
                    PruneMode.ADAPTIVE, 0.95, 0.5, 0.5, false, s.seed()), 0, 0);
            Evaluator evaluator = new Evaluator(data.validation(), s.batchSize(), s.evalBatches());
            JsonObject row = new JsonObject();
            row.addProperty("strategy", name(method));
            row.addProperty("requested_fraction", fraction);
            row.addProperty("pruned_heads", p.heads().size());
            row.addProperty("pruned_fraction", (double) p.heads().size() / total);
            row.addProperty("perplexity", evaluator.evaluate(model).perplexity());
            if (s.fineTuneSteps() > 0) {
                TrainConfig config = new TrainConfig(s.fineTuneSteps(), s.batchSize(),
                        new LrSchedule(s.learningRate(), Math.max(1, s.fineTuneSteps() / 10), s.fineTuneSteps(),
                                LrSchedule.Decay.COSINE, 0.1f),
                        AdamWConfig.defaults(), 1.0f, 0, s.evalBatches(), 0, s.seed(), false);
                try (Trainer t = new Trainer(model, data, config, progress)) {
                    t.addHook(new HeadSchedule(model, GrowthSchedule.defaults())); // pruned heads stay frozen
                    row.addProperty("perplexity_after_fine_tune", t.run(scratch, folder -> {}).validation()
                            .perplexity());
                } finally {
                    AtomicFiles.deleteRecursively(scratch);
                }
            }
            return row;
        }
    }

    private static String name(PruningMethod m) {
        return m.name().toLowerCase(java.util.Locale.ROOT);
    }
}
