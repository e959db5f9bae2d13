package ai.sentinel.experiments;

import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.report.LinePlot;
import ai.sentinel.train.StepListener;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Claim 3 — "repeated cycles improve progressively, with diminishing returns after 3–4 cycles": one
 * run of {@code cycles} cycles per seed from the same baseline, perplexity and active heads after
 * each, next to a control that learns exactly as many steps with nothing pruned, so that gains owed
 * to plasticity can be told from gains owed to further training.
 */
public final class RepeatedCycles {
    static final String PLASTICITY = "plasticity";
    static final String CONTROL = "no_pruning";

    /** The runs. */
    public record Settings(
            int cycles,
            List<Long> seeds,
            double pruneFraction,
            double growthRatio,
            GrowthMethod growth,
            int learningSteps,
            CycleConfig.Training training,
            int metricBatches) {}

    private RepeatedCycles() {}

    public static JsonObject run(
            Path baseline, TextDataset data, Settings s, Path out, StepListener progress)
            throws IOException {
        JsonArray rows = new JsonArray();
        for (long seed : s.seeds()) {
            for (String arm : List.of(PLASTICITY, CONTROL)) {
                CycleConfig config =
                        CycleRuns.config(
                                s.cycles(),
                                s.learningSteps(),
                                arm.equals(CONTROL) ? 0 : s.pruneFraction(),
                                s.growthRatio(),
                                s.growth(),
                                s.training(),
                                s.metricBatches(),
                                seed);
                CycleRuns.runArm(baseline, data, config, arm, out, rows, progress);
            }
        }
        JsonObject result = CycleRuns.result(s, baseline, rows, summary(rows, s.cycles()));
        Json.write(out.resolve("repeated_cycles.json"), result);
        plot(result, out);
        return result;
    }

    /**
     * Per arm and cycle: statistics over seeds of the final perplexity, active heads and recovery.
     */
    static JsonObject summary(JsonArray rows, int cycles) {
        JsonObject summary = new JsonObject();
        for (String arm : List.of(PLASTICITY, CONTROL)) {
            JsonArray perCycle = new JsonArray();
            for (int c = 1; c <= cycles; c++) {
                JsonObject o = new JsonObject();
                o.addProperty("cycle", c);
                for (String key :
                        List.of(
                                "final_perplexity",
                                "final_active_heads",
                                "pruned_perplexity",
                                "recovery")) {
                    double[] values = values(rows, arm, c, key);
                    if (values.length > 0) {
                        o.add(key, CycleRuns.stats(values));
                    }
                }
                perCycle.add(o);
            }
            summary.add(arm, perCycle);
        }
        return summary;
    }

    /** Draws the charts of a result (also from a saved repeated_cycles.json). */
    public static void plot(JsonObject result, Path out) throws IOException {
        JsonArray rows = result.getAsJsonArray("rows");
        int cycles = result.getAsJsonObject("settings").get("cycles").getAsInt();
        Map<String, double[][]> perplexity = new LinkedHashMap<>();
        perplexity.put(
                "after each cycle (plasticity)",
                meanCurve(rows, PLASTICITY, cycles, "final_perplexity"));
        perplexity.put(
                "same steps, nothing pruned", meanCurve(rows, CONTROL, cycles, "final_perplexity"));
        // right after pruning, perplexity can jump by far more than it ends up differing: a chart
        // of its own
        Map<String, double[][]> pruned = new LinkedHashMap<>();
        pruned.put("right after pruning", meanCurve(rows, PLASTICITY, cycles, "pruned_perplexity"));
        pruned.put("after learning", meanCurve(rows, PLASTICITY, cycles, "final_perplexity"));
        LinePlot.write(
                out.resolve("repeated_cycles_pruning_damage.png"),
                "Perplexity right after pruning and after"
                        + " learning, per cycle (mean over seeds)",
                "cycle",
                "validation perplexity",
                pruned);
        LinePlot.write(
                out.resolve("repeated_cycles_perplexity.png"),
                "Perplexity per cycle (mean over seeds; cycle 0" + " = baseline)",
                "cycle",
                "validation perplexity",
                perplexity);
        Map<String, double[][]> heads = new LinkedHashMap<>();
        heads.put(
                "active heads (plasticity)",
                meanCurve(rows, PLASTICITY, cycles, "final_active_heads"));
        LinePlot.writeCounts(
                out.resolve("repeated_cycles_heads.png"),
                "Active heads after each cycle",
                "cycle",
                "active heads",
                heads);
    }

    /**
     * Cycle 0 (the baseline, before any pruning) to {@code cycles}: the mean over seeds of {@code
     * key}.
     */
    private static double[][] meanCurve(JsonArray rows, String arm, int cycles, String key) {
        double[][] xy = new double[2][cycles + 1];
        String baselineKey =
                key.endsWith("active_heads") ? "baseline_active_heads" : "baseline_perplexity";
        xy[1][0] = Arrays.stream(values(rows, arm, 1, baselineKey)).average().orElse(Double.NaN);
        for (int c = 1; c <= cycles; c++) {
            xy[0][c] = c;
            xy[1][c] = Arrays.stream(values(rows, arm, c, key)).average().orElse(Double.NaN);
        }
        return xy;
    }

    private static double[] values(JsonArray rows, String arm, int cycle, String key) {
        return rows.asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(
                        r ->
                                r.get("arm").getAsString().equals(arm)
                                        && r.get("cycle").getAsInt() == cycle
                                        && r.has(key))
                .mapToDouble(r -> r.get(key).getAsDouble())
                .toArray();
    }
}
