package ai.sentinel.experiments;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.PlasticityCycle;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.PruningMethod;
import ai.sentinel.plasticity.Recovery;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.plasticity.StageResult;
import ai.sentinel.train.StepListener;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plasticity runs that start from a saved baseline, each with its own run folder, for the cycle
 * experiments.
 */
final class CycleRuns {
    private CycleRuns() {}

    /**
     * The cycle settings shared by the experiments: entropy pruning, adaptive masks,
     * function-preserving growth with the default warm-up, no initial training (the baseline is
     * already trained), no sample texts.
     */
    static CycleConfig config(
            int cycles,
            int learningSteps,
            double pruneFraction,
            double growthRatio,
            GrowthMethod growth,
            CycleConfig.Training training,
            int metricBatches,
            long seed) {
        return config(
                cycles,
                0,
                learningSteps,
                pruneFraction,
                growthRatio,
                growth,
                GrowthInit.FUNCTION_PRESERVING,
                training,
                metricBatches,
                seed);
    }

    /** As above, with initial training steps and a growth initialisation of one's own. */
    static CycleConfig config(
            int cycles,
            int initialTrainingSteps,
            int learningSteps,
            double pruneFraction,
            double growthRatio,
            GrowthMethod growth,
            GrowthInit init,
            CycleConfig.Training training,
            int metricBatches,
            long seed) {
        return CycleConfig.builder()
                .cycles(cycles)
                .initialTrainingSteps(initialTrainingSteps)
                .learningSteps(learningSteps)
                .initialPruning(pruneFraction)
                .growthRatio(growthRatio)
                .pruning(PruningMethod.ENTROPY)
                .growth(growth)
                .mode(PruneMode.ADAPTIVE)
                .init(init)
                .schedule(GrowthSchedule.defaults())
                .training(training)
                .metricBatches(metricBatches)
                .sampleTokens(0)
                .seed(seed)
                .build();
    }

    /** Runs {@code config} on a fresh copy of the baseline; the run's logs go to {@code folder}. */
    static List<CycleResult> run(
            Path baseline, TextDataset data, CycleConfig config, Path folder, StepListener progress)
            throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                CausalLm model = ModelFiles.load(baseline, m);
                RunLog log = new RunLog(folder)) {
            log.writeJson(RunLog.CONFIG, Json.toJsonTree(config));
            return new PlasticityCycle(
                            model, data, config, log, lm -> List.of(), (lm, stage) -> {}, progress)
                    .run();
        }
    }

    /**
     * Runs one arm of an experiment on a fresh copy of the baseline (logs in {@code
     * out/runs/<arm>-seed<seed>}) and adds one row per cycle, labelled with the arm and seed, to
     * {@code rows}.
     */
    static void runArm(
            Path baseline,
            TextDataset data,
            CycleConfig config,
            String arm,
            Path out,
            JsonArray rows,
            StepListener progress)
            throws IOException {
        Path folder = out.resolve("runs").resolve(arm + "-seed" + config.seed());
        for (CycleResult r : run(baseline, data, config, folder, progress)) {
            JsonObject row = row(r);
            row.addProperty("arm", arm);
            row.addProperty("seed", config.seed());
            rows.add(row);
        }
    }

    /** The layout of a cycle experiment's result file. */
    static JsonObject result(Object settings, Path baseline, JsonArray rows, JsonObject summary) {
        JsonObject result = new JsonObject();
        result.add("settings", Json.toJsonTree(settings));
        result.addProperty("baseline", baseline.toString());
        result.add("rows", rows);
        result.add("summary", summary);
        return result;
    }

    /** A cycle's measured stages as one JSON row. */
    static JsonObject row(CycleResult r) {
        JsonObject row = new JsonObject();
        row.addProperty("cycle", r.cycle());
        for (StageResult s : List.of(r.baseline(), r.pruned(), r.grown(), r.last())) {
            row.addProperty(s.stage().key() + "_perplexity", s.perplexity());
            row.addProperty(s.stage().key() + "_active_heads", s.activeHeads());
        }
        Recovery recovery = r.recovery();
        putFinite(
                row,
                "recovery",
                recovery.ratio().orElse(Double.NaN)); // left out when it would divide by noise
        row.addProperty("recovery_note", recovery.describe());
        row.addProperty("pruned_heads", r.prunedHeads().toString());
        row.addProperty("grown_heads", r.grownHeads().toString());
        return row;
    }

    /** JSON has no NaN: a value that is not finite is left out. */
    static void putFinite(JsonObject o, String key, double value) {
        if (Double.isFinite(value)) {
            o.addProperty(key, value);
        }
    }

    /** Mean, sample standard deviation, minimum and maximum. */
    static JsonObject stats(double[] values) {
        JsonObject o = new JsonObject();
        double mean = Arrays.stream(values).average().orElse(Double.NaN);
        double ss = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        putFinite(o, "mean", mean);
        putFinite(o, "std", values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : Double.NaN);
        putFinite(o, "min", Arrays.stream(values).min().orElse(Double.NaN));
        putFinite(o, "max", Arrays.stream(values).max().orElse(Double.NaN));
        o.addProperty("n", values.length);
        return o;
    }

    /**
     * Arm → the values of {@code key} over seeds, arms in first-seen order (rows lacking the key
     * skipped).
     */
    static Map<String, double[]> column(JsonArray rows, String key) {
        Map<String, List<Double>> lists = new LinkedHashMap<>();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            if (row.has(key)) {
                lists.computeIfAbsent(row.get("arm").getAsString(), k -> new ArrayList<>())
                        .add(row.get(key).getAsDouble());
            }
        }
        Map<String, double[]> columns = new LinkedHashMap<>();
        lists.forEach(
                (arm, values) ->
                        columns.put(
                                arm, values.stream().mapToDouble(Double::doubleValue).toArray()));
        return columns;
    }
}
