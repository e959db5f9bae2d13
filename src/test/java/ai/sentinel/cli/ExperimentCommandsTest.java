package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.io.Json;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progressive training and the experiment commands end to end on a 2 × 4-head model: the shapes,
 * head counts and files they promise, and one-line errors for what they refuse.
 */
class ExperimentCommandsTest {
    private static final String[] SMALL = {
        "--n-layer",
        "2",
        "--n-head",
        "4",
        "--n-embd",
        "32",
        "--seq-len",
        "32",
        "--batch-size",
        "4",
        "--eval-batches",
        "2",
        "--metric-batches",
        "1"
    };

    private static String[] args(Path text, String... args) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        a.addAll(List.of("--dataset", text.toString()));
        return a.toArray(String[]::new);
    }

    private static String[] small(Path text, String... args) {
        List<String> a = new ArrayList<>(Arrays.asList(args(text, args)));
        a.addAll(Arrays.asList(SMALL));
        return a.toArray(String[]::new);
    }

    private static List<JsonObject> jsonLines(Path file) throws Exception {
        return Files.readAllLines(file).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
    }

    private static long count(List<JsonObject> events, String kind) {
        return events.stream().filter(e -> e.get("event").getAsString().equals(kind)).count();
    }

    @Test
    void progressiveTrainingThenGrowthComparisonRepeatedCyclesAndProgressiveComparison(
            @TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(60_000));
        Path run = dir.resolve("progressive");
        CliRun train =
                CliRun.of(
                        small(
                                text,
                                "train",
                                "-m",
                                "nano",
                                "--progressive",
                                "--start-active",
                                "0.25",
                                "--target-active",
                                "1",
                                "--grow-every",
                                "2",
                                "--grow-until",
                                "0.5",
                                "--steps",
                                "8",
                                "--warmup-steps",
                                "2",
                                "--eval-every",
                                "4",
                                "--gate-warmup-steps",
                                "2",
                                "-o",
                                run.toString()));
        assertEquals(0, train.code(), train.err());
        assertTrue(
                train.err().contains("Progressive growth: 2 of 8 heads active at step 0"),
                train.err());
        assertTrue(train.out().contains("active heads 8"), train.out());
        List<JsonObject> events = jsonLines(run.resolve("events.jsonl"));
        assertEquals(6, count(events, "pruned"));
        assertEquals(6, count(events, "grown"));
        JsonObject config = Json.readObject(run.resolve("run-config.json"));
        assertTrue(config.get("progressive").getAsBoolean());
        assertEquals(
                0.25,
                config.getAsJsonObject("progressive_growth").get("startActive").getAsDouble());
        Path model = run.resolve("model");
        assertTrue(CliRun.of("info", "-m", model.toString()).out().contains("8 present, 8 active"));

        Path growth = dir.resolve("claim2");
        CliRun compare =
                CliRun.of(
                        args(
                                text,
                                "experiment",
                                "growth-comparison",
                                "-m",
                                model.toString(),
                                "--seq-len",
                                "32",
                                "--batch-size",
                                "4",
                                "--eval-batches",
                                "2",
                                "--metric-batches",
                                "1",
                                "--learning-steps",
                                "3",
                                "--warmup-steps",
                                "1",
                                "--seeds",
                                "1,2",
                                "--strategies",
                                "random,gradient_sensitivity",
                                "-o",
                                growth.toString()));
        assertEquals(0, compare.code(), compare.err());
        JsonObject g = Json.readObject(growth.resolve("growth_comparison.json"));
        assertEquals(8, g.getAsJsonArray("rows").size(), "2 seeds × (2 strategies + 2 controls)");
        for (JsonElement e : g.getAsJsonArray("rows")) {
            JsonObject row = e.getAsJsonObject();
            String arm = row.get("arm").getAsString();
            int expectedFinal =
                    switch (arm) {
                        case "no_pruning" -> 8;
                        case "no_growth" -> 6; // round(0.3 × 8) = 2 pruned
                        default -> 7; // and max(1, round(0.33 × 2)) = 1 grown
                    };
            assertEquals(expectedFinal, row.get("final_active_heads").getAsInt(), arm);
            // a ratio only where pruning hurt beyond the evaluation's noise; otherwise the note
            // says why not
            String note = row.get("recovery_note").getAsString();
            assertEquals(row.has("recovery"), !note.contains("not computed"), arm + ": " + note);
            assertTrue(!arm.equals("no_pruning") || !row.has("recovery"), arm + ": " + note);
        }
        assertEquals(
                List.of("random", "gradient_sensitivity", "no_growth", "no_pruning"),
                List.copyOf(g.getAsJsonObject("summary").keySet()));
        JsonObject randomArm = g.getAsJsonObject("summary").getAsJsonObject("random");
        assertTrue(
                randomArm.has("final_perplexity_minus_no_pruning"),
                "each arm next to the continued-training" + " control");
        assertTrue(
                !g.getAsJsonObject("summary")
                        .getAsJsonObject("no_pruning")
                        .has("final_perplexity_minus_no_pruning"));
        assertTrue(Files.size(growth.resolve("growth_recovery.png")) > 1000);

        Path unet = dir.resolve("unet");
        CliRun skips =
                CliRun.of(
                        args(
                                text,
                                "experiment",
                                "unet-growth",
                                "-m",
                                model.toString(),
                                "--seq-len",
                                "32",
                                "--batch-size",
                                "4",
                                "--eval-batches",
                                "2",
                                "--metric-batches",
                                "1",
                                "--skip-steps",
                                "2",
                                "--learning-steps",
                                "3",
                                "--warmup-steps",
                                "1",
                                "--seeds",
                                "1",
                                "--attention-sequences",
                                "2",
                                "--arms",
                                "none/function_preserving,unet/skip_transfer,no_pruning",
                                "-o",
                                unet.toString()));
        assertEquals(0, skips.code(), skips.err());
        JsonObject u = Json.readObject(unet.resolve("unet_growth.json"));
        assertEquals(3, u.getAsJsonArray("rows").size());
        for (JsonElement e : u.getAsJsonArray("rows")) {
            JsonObject row = e.getAsJsonObject();
            String arm = row.get("arm").getAsString();
            assertEquals(arm.equals("no_pruning"), !row.has("regrown_js"), arm);
            double unrelated = row.get("unrelated_js").getAsDouble();
            assertTrue(unrelated > 0 && unrelated < 1, arm + ": " + unrelated);
            assertEquals(16, row.getAsJsonObject("head_js_before_after").size(), arm);
        }
        assertTrue(
                u.getAsJsonObject("summary")
                        .getAsJsonObject("unet/skip_transfer")
                        .has("same_heads_js_without_pruning"));
        assertTrue(Files.size(unet.resolve("unet_specialisation.png")) > 1000);

        Path cycles = dir.resolve("claim3");
        CliRun repeated =
                CliRun.of(
                        args(
                                text,
                                "experiment",
                                "repeated-cycles",
                                "-m",
                                model.toString(),
                                "--seq-len",
                                "32",
                                "--batch-size",
                                "4",
                                "--eval-batches",
                                "2",
                                "--metric-batches",
                                "1",
                                "--learning-steps",
                                "2",
                                "--warmup-steps",
                                "1",
                                "--seeds",
                                "1",
                                "--cycles",
                                "2",
                                "-o",
                                cycles.toString()));
        assertEquals(0, repeated.code(), repeated.err());
        List<Integer> heads = new ArrayList<>();
        for (JsonElement e :
                Json.readObject(cycles.resolve("repeated_cycles.json")).getAsJsonArray("rows")) {
            heads.add(e.getAsJsonObject().get("final_active_heads").getAsInt());
        }
        assertEquals(List.of(7, 6, 8, 8), heads, "8 → −2 +1 → −2 +1; the control keeps all 8");
        assertTrue(Files.exists(cycles.resolve("repeated_cycles_perplexity.png")));

        Path progressive = dir.resolve("claim4");
        CliRun claim4 =
                CliRun.of(
                        small(
                                text,
                                "experiment",
                                "progressive-growth",
                                "-m",
                                "nano",
                                "--steps",
                                "6",
                                "--warmup-steps",
                                "1",
                                "--eval-every",
                                "3",
                                "--start-active",
                                "0.25",
                                "--target-active",
                                "0.75",
                                "--grow-every",
                                "1",
                                "--grow-until",
                                "0.5",
                                "-o",
                                progressive.toString()));
        assertEquals(0, claim4.code(), claim4.err());
        JsonObject arms =
                Json.readObject(progressive.resolve("progressive_growth.json"))
                        .getAsJsonObject("arms");
        assertEquals(6, arms.getAsJsonObject("progressive").get("active_heads").getAsInt());
        assertEquals(6, arms.getAsJsonObject("final_shape").get("active_heads").getAsInt());
        assertEquals(8, arms.getAsJsonObject("full").get("active_heads").getAsInt());
        JsonObject first =
                arms.getAsJsonObject("progressive")
                        .getAsJsonArray("curve")
                        .get(0)
                        .getAsJsonObject();
        assertEquals(
                2,
                first.get("active_heads").getAsInt(),
                "the curve starts at step 0 with the pruned model");
        assertFalse(Files.exists(progressive.resolve("scratch-checkpoint")));

        for (Path json :
                List.of(
                        growth.resolve("growth_comparison.json"),
                        cycles.resolve("repeated_cycles.json"),
                        progressive.resolve("progressive_growth.json"))) {
            Path charts = dir.resolve("replot").resolve(json.getFileName().toString());
            assertEquals(
                    0,
                    CliRun.of(
                                    "experiment",
                                    "plot",
                                    "--json",
                                    json.toString(),
                                    "-o",
                                    charts.toString())
                            .code());
            assertTrue(
                    Files.list(charts).anyMatch(p -> p.toString().endsWith(".png")),
                    json + " redrawn");
        }
    }

    @Test
    void refusesWhatItCannotDoInOneLine(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        assertBadInput(
                CliRun.of("train", "-m", model.toString(), "--n-head", "8"),
                "apply to presets only");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--n-head", "3"),
                "n_embd 128 must be a positive multiple");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--progressive", "--controller", "threshold"),
                "cannot run together");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--progressive", "--start-active", "0"),
                "start active fraction must be in (0, 1]");
        assertBadInput(
                CliRun.of(
                        "experiment",
                        "progressive-growth",
                        "-m",
                        model.toString(),
                        "-o",
                        dir.toString()),
                "must name a preset");
        assertBadInput(
                CliRun.of(
                        "experiment",
                        "growth-comparison",
                        "-m",
                        model.toString(),
                        "--strategies",
                        "entropy_gap",
                        "-o",
                        dir.toString()),
                "must include random");
        assertBadInput(
                CliRun.of(
                        "experiment",
                        "plot",
                        "--json",
                        dir.resolve("other.json").toString(),
                        "-o",
                        dir.toString()),
                "expected pruning_tolerance.json");
    }

    private static void assertBadInput(CliRun r, String fragment) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
