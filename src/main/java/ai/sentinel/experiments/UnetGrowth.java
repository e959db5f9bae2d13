package ai.sentinel.experiments;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.data.Batch;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.model.AttentionCapture;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.UnetSkips;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.plasticity.PlasticityCycle;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.report.LinePlot;
import ai.sentinel.train.StepListener;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Do U-Net skips help a pruned model regrow (issue 12)? From one baseline, every arm attaches its
 * skips (none; mirror skips; the capacity control, the same fusion reading the block's own state),
 * trains {@code skipSteps} so the skips carry something, then runs the claim-2 cycle: prune by
 * entropy, grow back a share with one growth strategy and an initialisation (function_preserving,
 * copy, skip_transfer), learn. A {@code no_pruning} arm takes the same steps with nothing pruned.
 *
 * <p>It also measures the specialisation claim: each regrown head's attention after learning
 * against the attention the same head had before it was pruned, on the same validation inputs
 * (Jensen–Shannon divergence in bits per query row over its visible keys, averaged), next to two
 * references — unrelated heads of the same layer before pruning, and a head against itself after
 * the same training in the {@code no_pruning} arm.
 */
public final class UnetGrowth {
    static final String NO_PRUNING = "no_pruning";

    /** One arm: which skips, which growth initialisation; {@code prune} false for the control. */
    public record Arm(String name, UnetSkips.Source skips, GrowthInit init, boolean prune) {}

    public record Settings(
            List<Arm> arms,
            List<Long> seeds,
            GrowthMethod growth,
            double pruneFraction,
            double growthRatio,
            int skipSteps,
            int learningSteps,
            CycleConfig.Training training,
            int metricBatches,
            int attentionSequences) {}

    /** Every arm the experiment knows; {@code none} has no skips. */
    public static List<Arm> defaultArms() {
        return List.of(
                new Arm("none/function_preserving", null, GrowthInit.FUNCTION_PRESERVING, true),
                new Arm("none/copy", null, GrowthInit.COPY, true),
                new Arm(
                        "unet/function_preserving",
                        UnetSkips.Source.MIRROR,
                        GrowthInit.FUNCTION_PRESERVING,
                        true),
                new Arm("unet/copy", UnetSkips.Source.MIRROR, GrowthInit.COPY, true),
                new Arm(
                        "unet/skip_transfer",
                        UnetSkips.Source.MIRROR,
                        GrowthInit.SKIP_TRANSFER,
                        true),
                new Arm(
                        "self/function_preserving",
                        UnetSkips.Source.SELF,
                        GrowthInit.FUNCTION_PRESERVING,
                        true),
                new Arm(
                        "self/skip_transfer",
                        UnetSkips.Source.SELF,
                        GrowthInit.SKIP_TRANSFER,
                        true),
                new Arm(NO_PRUNING, null, GrowthInit.FUNCTION_PRESERVING, false));
    }

    private UnetGrowth() {}

    public static JsonObject run(
            Path baseline, TextDataset data, Settings s, Path out, StepListener progress)
            throws IOException {
        JsonArray rows = new JsonArray();
        for (long seed : s.seeds()) {
            for (Arm arm : s.arms()) {
                rows.add(runArm(baseline, data, s, arm, seed, out, progress));
            }
        }
        JsonObject result = CycleRuns.result(s, baseline, rows, summary(rows));
        Json.write(out.resolve("unet_growth.json"), result);
        plot(result, out);
        return result;
    }

    private static JsonObject runArm(
            Path baseline,
            TextDataset data,
            Settings s,
            Arm arm,
            long seed,
            Path out,
            StepListener progress)
            throws IOException {
        CycleConfig config =
                CycleRuns.config(
                        1,
                        s.skipSteps(),
                        s.learningSteps(),
                        arm.prune() ? s.pruneFraction() : 0,
                        arm.prune() ? s.growthRatio() : 0,
                        s.growth(),
                        arm.init(),
                        s.training(),
                        s.metricBatches(),
                        seed);
        Path folder = out.resolve("runs").resolve(arm.name().replace('/', '-') + "-seed" + seed);
        Batch inputs = attentionInputs(data, s.attentionSequences());
        Map<String, Attention> attention = new HashMap<>(); // stage -> its attention
        List<CycleResult> results;
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                CausalLm model = ModelFiles.load(baseline, m);
                RunLog log = new RunLog(folder)) {
            if (arm.skips() != null) {
                model.setUnet(
                        UnetSkips.create(model, new UnetSkips.Settings(1f, false, arm.skips())));
                model.unet().get().setRateMultiplier(5f);
            }
            JsonObject recorded = Json.toJsonTree(config).getAsJsonObject();
            recorded.addProperty("arm", arm.name());
            log.writeJson(RunLog.CONFIG, recorded);
            results =
                    new PlasticityCycle(
                                    model,
                                    data,
                                    config,
                                    log,
                                    lm -> List.of(),
                                    (lm, stage) -> {
                                        if (stage.equals("cycle1-baseline")
                                                || stage.equals("cycle1-final")) {
                                            attention.put(stage, attention(lm, inputs));
                                        }
                                    },
                                    progress)
                            .run();
        }
        JsonObject row = CycleRuns.row(results.get(0));
        row.addProperty("arm", arm.name());
        row.addProperty("seed", seed);
        Attention before = attention.get("cycle1-baseline");
        Attention after = attention.get("cycle1-final");
        int T = inputs.length();
        JsonObject perHead = new JsonObject();
        double unrelated = 0;
        int pairs = 0;
        for (int l = 0; l < before.probs().length; l++) {
            int[] was = before.present()[l];
            int[] is = after.present()[l];
            for (int i = 0; i < was.length; i++) {
                int j = indexOf(is, was[i]); // a head removed before or after has no pair
                if (j >= 0) {
                    perHead.addProperty(
                            new HeadId(l, was[i]).toString(),
                            JensenShannon.meanPerRow(
                                    before.probs()[l],
                                    i,
                                    was.length,
                                    after.probs()[l],
                                    j,
                                    is.length,
                                    T));
                }
                for (int k = i + 1; k < was.length; k++) {
                    unrelated +=
                            JensenShannon.meanPerRow(
                                    before.probs()[l],
                                    i,
                                    was.length,
                                    before.probs()[l],
                                    k,
                                    was.length,
                                    T);
                    pairs++;
                }
            }
        }
        row.add("head_js_before_after", perHead);
        row.addProperty("unrelated_js", unrelated / pairs);
        List<HeadId> regrown = results.get(0).grownHeads();
        if (!regrown.isEmpty()) {
            row.addProperty(
                    "regrown_js",
                    regrown.stream()
                            .filter(h -> perHead.has(h.toString()))
                            .mapToDouble(h -> perHead.get(h.toString()).getAsDouble())
                            .average()
                            .orElse(Double.NaN));
        }
        return row;
    }

    /** The first {@code n} validation blocks, the same for every arm. */
    private static Batch attentionInputs(TextDataset data, int n) {
        int[] indices = new int[Math.min(n, data.validation().numBlocks())];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        return Batch.of(data.validation(), indices);
    }

    /** Every layer's attention probabilities, flattened (B, Hp, T, T), and its present heads. */
    private record Attention(float[][] probs, int[][] present) {}

    private static Attention attention(CausalLm model, Batch inputs) {
        try (NDScope scope = new NDScope()) {
            AttentionCapture capture = new AttentionCapture();
            NDArray tokens =
                    EngineArrays.of(
                            model.manager(),
                            inputs.inputs(),
                            new Shape(inputs.batchSize(), inputs.length()));
            model.forward(tokens, capture);
            int layers = capture.probabilities().size();
            float[][] probs = new float[layers][];
            int[][] present = new int[layers][];
            for (int l = 0; l < layers; l++) {
                probs[l] =
                        capture.probabilities()
                                .get(l)
                                .toType(DataType.FLOAT32, false)
                                .toFloatArray();
                present[l] = model.config().headsPresent(l).clone();
            }
            return new Attention(probs, present);
        }
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Per arm: final perplexity, recovery, and the regrown heads' divergence (with, per seed, the
     * no_pruning divergence of the same heads, and the unrelated-heads reference).
     */
    static JsonObject summary(JsonArray rows) {
        Map<Long, JsonObject> control = new HashMap<>();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            if (row.get("arm").getAsString().equals(NO_PRUNING)) {
                control.put(row.get("seed").getAsLong(), row);
            }
        }
        Map<String, double[]> finals = CycleRuns.column(rows, "final_perplexity");
        Map<String, double[]> recoveries = CycleRuns.column(rows, "recovery");
        Map<String, double[]> regrown = CycleRuns.column(rows, "regrown_js");
        Map<String, double[]> unrelated = CycleRuns.column(rows, "unrelated_js");
        Map<String, List<Double>> sameHeadsUnpruned = new LinkedHashMap<>();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            JsonObject ctrl = control.get(row.get("seed").getAsLong());
            if (ctrl == null || !row.has("regrown_js")) {
                continue;
            }
            JsonObject perHead = ctrl.getAsJsonObject("head_js_before_after");
            String heads = row.get("grown_heads").getAsString();
            List<Double> values = new ArrayList<>();
            perHead.entrySet().stream()
                    .filter(h -> heads.contains(h.getKey()))
                    .forEach(h -> values.add(h.getValue().getAsDouble()));
            sameHeadsUnpruned
                    .computeIfAbsent(row.get("arm").getAsString(), k -> new ArrayList<>())
                    .add(values.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
        }
        JsonObject summary = new JsonObject();
        finals.forEach(
                (arm, values) -> {
                    JsonObject a = new JsonObject();
                    a.add("final_perplexity", CycleRuns.stats(values));
                    if (recoveries.containsKey(arm)) {
                        a.add("recovery", CycleRuns.stats(recoveries.get(arm)));
                    }
                    if (regrown.containsKey(arm)) {
                        a.add("regrown_js", CycleRuns.stats(regrown.get(arm)));
                        a.add(
                                "same_heads_js_without_pruning",
                                CycleRuns.stats(
                                        sameHeadsUnpruned.get(arm).stream()
                                                .mapToDouble(Double::doubleValue)
                                                .toArray()));
                    }
                    a.add("unrelated_heads_js", CycleRuns.stats(unrelated.get(arm)));
                    summary.add(arm, a);
                });
        return summary;
    }

    /** Charts of a result (also from a saved unet_growth.json). */
    public static void plot(JsonObject result, Path out) throws IOException {
        JsonArray rows = result.getAsJsonArray("rows");
        LinePlot.spread(
                out.resolve("unet_recovery.png"),
                "Perplexity recovery per arm (bar = mean, dots = seeds)",
                "recovery (1 = back to the arm's start)",
                shortNames(CycleRuns.column(rows, "recovery")),
                true);
        LinePlot.spread(
                out.resolve("unet_final_perplexity.png"),
                "Validation perplexity after learning (mark = mean, dots = seeds)",
                "validation perplexity",
                shortNames(CycleRuns.column(rows, "final_perplexity")),
                false);
        Map<String, double[]> js = shortNames(CycleRuns.column(rows, "regrown_js"));
        js.put("unrelated", CycleRuns.column(rows, "unrelated_js").values().iterator().next());
        List<Double> unpruned = new ArrayList<>();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            if (row.get("arm").getAsString().equals(NO_PRUNING)) {
                row.getAsJsonObject("head_js_before_after")
                        .entrySet()
                        .forEach(h -> unpruned.add(h.getValue().getAsDouble()));
            }
        }
        js.put("same head", unpruned.stream().mapToDouble(d -> d).toArray());
        LinePlot.spread(
                out.resolve("unet_specialisation.png"),
                "Regrown head vs the pruned head; unrelated heads; a head vs itself, nothing pruned",
                "Jensen–Shannon divergence per query row (bits)",
                js,
                false);
    }

    /** Chart labels short enough to stand side by side: "unet/function_preserving" → "unet/fp". */
    private static Map<String, double[]> shortNames(Map<String, double[]> columns) {
        Map<String, double[]> named = new LinkedHashMap<>();
        columns.forEach(
                (arm, v) ->
                        named.put(
                                arm.replace("function_preserving", "fp")
                                        .replace("skip_transfer", "transfer")
                                        .replace("no_pruning", "unpruned"),
                                v));
        return named;
    }
}
