package ai.sentinel.experiments;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.Plasticity;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.PruneRequest;
import ai.sentinel.plasticity.PruningMethod;
import ai.sentinel.plasticity.TrainingRun;
import ai.sentinel.report.LinePlot;
import ai.sentinel.report.RunReport;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.TrainResult;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pruning during training against pruning once: from the same baseline, every arm trains the same
 * number of steps on the same batches (per seed) and ends with the same fraction of heads active —
 * {@code one_shot_entropy} and {@code one_shot_importance} prune once, then fine-tune; each
 * controller arm prunes (and may revive) while it trains; {@code no_pruning} only trains. Final
 * validation perplexity and wall time per arm and seed; each arm's run folder (metrics, events,
 * head snapshots) is kept under {@code runs/}.
 */
public final class ControllerComparison {
    static final String NO_PRUNING = "no_pruning";

    /**
     * @param targetActive the fraction of heads active at the end of every pruning arm
     * @param checkFraction the fraction pruned by entropy to show that the baseline's heads matter
     *     (the perplexity it costs before any recovery)
     */
    public record Settings(
            List<Long> seeds,
            double targetActive,
            int steps,
            int batchSize,
            float learningRate,
            int warmupSteps,
            int evalBatches,
            int metricBatches,
            double checkFraction) {}

    private ControllerComparison() {}

    /**
     * @param controllers the controller arms by name, each set up to end at {@code
     *     s.targetActive()}
     */
    public static JsonObject run(
            Path baseline,
            TextDataset data,
            Map<String, ControllerFactory> controllers,
            Settings s,
            Path out,
            StepListener progress)
            throws IOException {
        JsonObject result = new JsonObject();
        result.add("settings", Json.toJsonTree(s));
        result.addProperty("baseline", baseline.toString());
        result.add("baseline_check", baselineCheck(baseline, data, s));
        JsonArray rows = new JsonArray();
        for (long seed : s.seeds()) {
            for (String arm : arms(controllers)) {
                rows.add(runArm(baseline, data, controllers, s, arm, seed, out, progress));
                Json.write(out.resolve("controller_comparison.json"), withRows(result, rows));
            }
        }
        result.add("rows", rows);
        result.add("summary", summary(rows));
        Json.write(out.resolve("controller_comparison.json"), result);
        plot(result, out);
        return result;
    }

    private static JsonObject withRows(JsonObject result, JsonArray rows) {
        JsonObject partial = result.deepCopy();
        partial.add("rows", rows);
        return partial;
    }

    static List<String> arms(Map<String, ControllerFactory> controllers) {
        List<String> arms = new java.util.ArrayList<>(controllers.keySet());
        arms.add("one_shot_entropy");
        arms.add("one_shot_importance");
        arms.add(NO_PRUNING);
        return arms;
    }

    /**
     * The baseline's perplexity, and after pruning {@code checkFraction} of its heads by entropy
     * with no recovery: a baseline whose heads barely matter cannot tell strategies apart.
     */
    private static JsonObject baselineCheck(Path baseline, TextDataset data, Settings s)
            throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                CausalLm model = ModelFiles.load(baseline, m)) {
            Evaluator evaluator = new Evaluator(data.validation(), s.batchSize(), s.evalBatches());
            double before = evaluator.evaluate(model).perplexity();
            pruneOnce(model, data, s, PruningMethod.ENTROPY, s.checkFraction(), 0);
            double after = evaluator.evaluate(model).perplexity();
            JsonObject o = new JsonObject();
            o.addProperty("perplexity", before);
            o.addProperty("pruned_fraction", s.checkFraction());
            o.addProperty("perplexity_after_entropy_pruning", after);
            o.addProperty("cost", after / before - 1);
            return o;
        }
    }

    private static JsonObject runArm(
            Path baseline,
            TextDataset data,
            Map<String, ControllerFactory> controllers,
            Settings s,
            String arm,
            long seed,
            Path out,
            StepListener progress)
            throws IOException {
        Path folder = Files.createDirectories(out.resolve("runs").resolve(arm + "-seed" + seed));
        JsonObject row = new JsonObject();
        row.addProperty("arm", arm);
        row.addProperty("seed", seed);
        Json.write(folder.resolve(TrainingRun.CONFIG), armConfig(arm, seed, s));
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                CausalLm model = ModelFiles.load(baseline, m)) {
            long t0 = System.nanoTime();
            Optional<ControllerFactory> controller = Optional.ofNullable(controllers.get(arm));
            if (arm.startsWith("one_shot_")) {
                PruningMethod method =
                        PruningMethod.valueOf(
                                arm.substring("one_shot_".length()).toUpperCase(Locale.ROOT));
                pruneOnce(model, data, s, method, 1 - s.targetActive(), seed);
                EvalResult pruned =
                        new Evaluator(data.validation(), s.batchSize(), s.evalBatches())
                                .evaluate(model);
                row.addProperty("perplexity_after_pruning", pruned.perplexity());
            }
            TrainConfig config =
                    new TrainConfig(
                            s.steps(),
                            s.batchSize(),
                            new LrSchedule(
                                    s.learningRate(),
                                    s.warmupSteps(),
                                    s.steps(),
                                    LrSchedule.Decay.COSINE,
                                    0.1f),
                            AdamWConfig.defaults(),
                            1.0f,
                            0,
                            s.evalBatches(),
                            0,
                            seed,
                            false);
            TrainResult result;
            try (TrainingRun run =
                    new TrainingRun(
                            folder,
                            model,
                            data,
                            config,
                            new TrainingRun.HeadChanges(
                                    Optional.empty(), controller, mm -> List.of()),
                            false,
                            progress)) {
                result = run.run(f -> {});
            }
            // the arm's record stays (metrics, events, head snapshots, its report); its weights go
            AtomicFiles.deleteRecursively(folder.resolve(TrainingRun.CHECKPOINT));
            RunReport.write(folder);
            row.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
            row.addProperty("final_perplexity", result.validation().perplexity());
            row.addProperty("final_val_loss", result.validation().loss());
            row.addProperty("active_heads", model.gates().numActive());
            row.addProperty(
                    "active_fraction",
                    (double) model.gates().numActive()
                            / (model.config().numLayers() * model.config().numHeads()));
            row.addProperty("run", "runs/" + folder.getFileName());
        }
        return row;
    }

    /** What {@code sentinel report} needs to read an arm's folder as a train run. */
    private static JsonObject armConfig(String arm, long seed, Settings s) {
        JsonObject o = Json.toJsonTree(s);
        o.addProperty("command", "experiment controller-comparison");
        o.addProperty("arm", arm);
        o.addProperty("seed", seed);
        return o;
    }

    private static void pruneOnce(
            CausalLm model,
            TextDataset data,
            Settings s,
            PruningMethod method,
            double fraction,
            long seed) {
        HeadMeter meter = new HeadMeter(data.validation(), s.batchSize(), s.metricBatches());
        Plasticity.prune(
                model,
                meter.measure(model, MaskedHeads.AS_IS),
                new PruneRequest(
                        method, fraction, PruneMode.ADAPTIVE, fraction, 0.5, 0.5, false, seed));
    }

    /**
     * Per arm: final perplexity, its difference from {@code no_pruning} of the same seed, active
     * fraction and seconds, each as mean / std / min / max over seeds.
     */
    static JsonObject summary(JsonArray rows) {
        JsonObject summary = new JsonObject();
        Map<String, double[]> finals = CycleRuns.column(rows, "final_perplexity");
        Map<String, double[]> active = CycleRuns.column(rows, "active_fraction");
        Map<String, double[]> seconds = CycleRuns.column(rows, "seconds");
        double[] control = finals.get(NO_PRUNING);
        finals.forEach(
                (arm, values) -> {
                    JsonObject a = new JsonObject();
                    a.add("final_perplexity", CycleRuns.stats(values));
                    if (control != null && control.length == values.length) {
                        double[] diff = new double[values.length];
                        for (int i = 0; i < diff.length; i++) {
                            diff[i] = values[i] - control[i];
                        }
                        a.add("minus_no_pruning", CycleRuns.stats(diff));
                    }
                    a.add("active_fraction", CycleRuns.stats(active.get(arm)));
                    a.add("seconds", CycleRuns.stats(seconds.get(arm)));
                    summary.add(arm, a);
                });
        return summary;
    }

    /** Draws the charts of a result (also from a saved controller_comparison.json). */
    public static void plot(JsonObject result, Path out) throws IOException {
        JsonArray rows = result.getAsJsonArray("rows");
        JsonObject settings = result.getAsJsonObject("settings");
        Map<String, double[]> finals =
                new LinkedHashMap<>(CycleRuns.column(rows, "final_perplexity"));
        LinePlot.spread(
                out.resolve("controllers_final_perplexity.png"),
                "Validation perplexity after "
                        + settings.get("steps").getAsInt()
                        + " steps, "
                        + Math.round(100 * settings.get("targetActive").getAsDouble())
                        + "% of heads kept (mark = mean, dots = seeds)",
                "validation perplexity",
                finals,
                false);
        LinePlot.spread(
                out.resolve("controllers_seconds.png"),
                "Wall time per arm (bar = mean, dots = seeds)",
                "seconds",
                CycleRuns.column(rows, "seconds"),
                true);
    }
}
