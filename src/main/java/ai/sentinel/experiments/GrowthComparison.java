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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Claim 2 — "strategic growth beats random growth by 30–70% in perplexity recovery": from the same
 * baseline, prune a fraction of the heads by entropy, grow back a share of them with each growth
 * strategy, learn for a fixed number of steps, and compare perplexity recovery with {@code random},
 * over several seeds. Two controls frame the result: {@code no_growth} (pruned, nothing grown, same
 * learning) and {@code no_pruning} (the baseline learning the same steps), so that recovery owed to
 * growth can be told from recovery owed to further training.
 */
public final class GrowthComparison {
    static final String NO_GROWTH = "no_growth";
    static final String NO_PRUNING = "no_pruning";

    /** The comparison. */
    public record Settings(
            List<GrowthMethod> strategies,
            List<Long> seeds,
            double pruneFraction,
            double growthRatio,
            int learningSteps,
            CycleConfig.Training training,
            int metricBatches) {}

    private GrowthComparison() {}

    public static JsonObject run(
            Path baseline, TextDataset data, Settings s, Path out, StepListener progress)
            throws IOException {
        JsonArray rows = new JsonArray();
        for (long seed : s.seeds()) {
            for (String arm : arms(s)) {
                CycleConfig config =
                        CycleRuns.config(
                                1,
                                s.learningSteps(),
                                arm.equals(NO_PRUNING) ? 0 : s.pruneFraction(),
                                arm.equals(NO_GROWTH) ? 0 : s.growthRatio(),
                                method(arm),
                                s.training(),
                                s.metricBatches(),
                                seed);
                CycleRuns.runArm(baseline, data, config, arm, out, rows, progress);
            }
        }
        JsonObject result = CycleRuns.result(s, baseline, rows, summary(rows));
        Json.write(out.resolve("growth_comparison.json"), result);
        plot(result, out);
        return result;
    }

    /** Every strategy, then the two controls. */
    static List<String> arms(Settings s) {
        List<String> arms = new ArrayList<>();
        s.strategies().forEach(m -> arms.add(m.name().toLowerCase(Locale.ROOT)));
        arms.add(NO_GROWTH);
        arms.add(NO_PRUNING);
        return arms;
    }

    private static GrowthMethod method(String arm) {
        return arm.equals(NO_GROWTH) || arm.equals(NO_PRUNING)
                ? GrowthMethod.RANDOM
                : GrowthMethod.valueOf(arm.toUpperCase(Locale.ROOT));
    }

    /**
     * Per arm: statistics of final perplexity and of recovery over seeds, and the mean recovery
     * relative to random's ({@code +0.3} = 30% more recovery than random).
     */
    static JsonObject summary(JsonArray rows) {
        Map<String, double[]> finals = CycleRuns.column(rows, "final_perplexity");
        Map<String, double[]> recoveries = CycleRuns.column(rows, "recovery");
        double randomRecovery = mean(recoveries.get("random"));
        JsonObject summary = new JsonObject();
        finals.forEach(
                (arm, values) -> {
                    JsonObject a = new JsonObject();
                    a.add("final_perplexity", CycleRuns.stats(values));
                    double[] rec = recoveries.get(arm);
                    if (rec != null && rec.length > 0) {
                        a.add("recovery", CycleRuns.stats(rec));
                        CycleRuns.putFinite(
                                a, "recovery_relative_to_random", mean(rec) / randomRecovery - 1);
                    }
                    double[] vsControl = againstControl(rows, arm);
                    if (!arm.equals(NO_PRUNING) && vsControl.length > 0) {
                        // recovery also credits continued training; the control that only trained
                        // says how much
                        a.add("final_perplexity_minus_no_pruning", CycleRuns.stats(vsControl));
                    }
                    summary.add(arm, a);
                });
        return summary;
    }

    /** Draws the charts of a result (also from a saved growth_comparison.json). */
    public static void plot(JsonObject result, Path out) throws IOException {
        JsonArray rows = result.getAsJsonArray("rows");
        int steps = result.getAsJsonObject("settings").get("learningSteps").getAsInt();
        LinePlot.spread(
                out.resolve("growth_recovery.png"),
                "Perplexity recovery after "
                        + steps
                        + " learning steps"
                        + " (bar = mean, dots = seeds)",
                "recovery (1 = back to baseline)",
                CycleRuns.column(rows, "recovery"),
                true);
        LinePlot.spread(
                out.resolve("growth_final_perplexity.png"),
                "Validation perplexity after "
                        + steps
                        + " learning steps (mark = mean, dots = seeds)",
                "validation perplexity",
                CycleRuns.column(rows, "final_perplexity"),
                false);
    }

    /**
     * Per seed that has both: the arm's final perplexity minus that of {@code no_pruning} from the
     * same seed.
     */
    private static double[] againstControl(JsonArray rows, String arm) {
        Map<Long, Double> control = new LinkedHashMap<>();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            if (row.get("arm").getAsString().equals(NO_PRUNING)) {
                control.put(row.get("seed").getAsLong(), row.get("final_perplexity").getAsDouble());
            }
        }
        List<Double> differences = new ArrayList<>();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            Double same = control.get(row.get("seed").getAsLong());
            if (row.get("arm").getAsString().equals(arm) && same != null) {
                differences.add(row.get("final_perplexity").getAsDouble() - same);
            }
        }
        return differences.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double mean(double[] values) {
        return values == null ? Double.NaN : Arrays.stream(values).average().orElse(Double.NaN);
    }
}
