package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short plasticity cycle on the nano preset writes every promised output, and its files parse.
 */
class CycleCommandTest {
    private static int run(String... args) {
        return CliRun.of(args).code();
    }

    private static String[] args(Path text, Path runs, String name, String... extra) {
        List<String> a =
                new java.util.ArrayList<>(
                        List.of(
                                "cycle",
                                "-m",
                                "nano",
                                "--dataset",
                                text.toString(),
                                "--seq-len",
                                "32",
                                "--batch-size",
                                "4",
                                "--initial-training-steps",
                                "20",
                                "--learning-steps",
                                "12",
                                "--eval-batches",
                                "2",
                                "--metric-batches",
                                "1",
                                "--sample-tokens",
                                "8",
                                "--warmup-steps",
                                "5",
                                "--runs-dir",
                                runs.toString(),
                                "--experiment-name",
                                name));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void aShortCycleWritesMetricsEventsHeadMapsSummaryModelsChartsAndReport(@TempDir Path dir)
            throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(60_000));
        assertEquals(0, run(args(text, dir, "adaptive", "--save-model", "--save-visualizations")));
        Path run = dir.resolve("adaptive");
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            for (String key :
                    List.of(
                            "phase",
                            "cycle",
                            "step",
                            "loss",
                            "perplexity",
                            "active_heads",
                            "parameters")) {
                assertTrue(o.has(key), key + " missing in " + line);
            }
        }
        List<JsonObject> events =
                Files.readAllLines(run.resolve("events.jsonl")).stream()
                        .map(l -> JsonParser.parseString(l).getAsJsonObject())
                        .toList();
        assertEquals(
                5,
                events.stream().filter(e -> e.get("event").getAsString().equals("pruned")).count(),
                "30% of 16 heads");
        assertEquals(
                2,
                events.stream().filter(e -> e.get("event").getAsString().equals("grown")).count(),
                "0.33 × 5 pruned");
        assertTrue(
                events.stream()
                        .filter(e -> e.get("event").getAsString().equals("grown"))
                        .allMatch(e -> e.get("gradient_sensitivity").getAsDouble() > 0));
        JsonObject summary =
                JsonParser.parseString(Files.readString(run.resolve("summary.json")))
                        .getAsJsonObject();
        JsonObject cycle = summary.getAsJsonArray("cycles").get(0).getAsJsonObject();
        assertEquals(
                cycle.getAsJsonObject("pruned").get("perplexity").getAsDouble(),
                cycle.getAsJsonObject("grown").get("perplexity").getAsDouble(),
                1e-6,
                "function-preserving growth leaves perplexity unchanged");
        assertTrue(
                cycle.has("perplexity_recovery_note")
                        && cycle.has("pruning_loss_change_standard_error"));
        List<CycleResult> reread = CycleResult.fromEvents(RunLog.read(run));
        assertEquals(
                cycle.get("perplexity_recovery_note").getAsString(),
                reread.get(0).recovery().describe(),
                "the run folder alone gives the recovery the run printed");
        assertEquals(
                !cycle.has("perplexity_recovery"),
                reread.get(0).recovery().ratio().isEmpty(),
                "a ratio only when it means something");
        assertEquals(13, cycle.getAsJsonObject("final").get("active_heads").getAsInt());
        for (String stage :
                List.of(
                        "initial",
                        "cycle1-baseline",
                        "cycle1-pruned",
                        "cycle1-grown",
                        "cycle1-final")) {
            assertTrue(
                    Files.exists(run.resolve("models").resolve(stage).resolve("model.safetensors")),
                    stage);
        }
        for (String png :
                List.of(
                        "loss.png",
                        "perplexity.png",
                        "active_heads.png",
                        "heads_cycle1.png",
                        "entropy_cycle1.png",
                        "gradient_cycle1.png")) {
            byte[] bytes = Files.readAllBytes(run.resolve("charts").resolve(png));
            assertTrue(bytes.length > 3000, png + " is only " + bytes.length + " bytes");
            assertEquals((byte) 0x89, bytes[0]);
            assertEquals('P', bytes[1]);
        }
        assertTrue(
                !Files.exists(run.resolve("charts").resolve("cycles.png")),
                "one cycle: one point per line");
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(
                html.contains("Perplexity per cycle: not drawn"),
                "the report says why a chart is missing");
        assertTrue(html.contains("data:image/png;base64,") && html.contains("Before and after"));
        assertTrue(
                !html.contains("http://") && !html.contains("https://"),
                "the report loads nothing from outside");
        assertTrue(
                Files.exists(run.resolve("config.json"))
                        && Files.exists(run.resolve("heads.jsonl")));
    }

    @Test
    void compressedCyclesReallyShrinkTheModel(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(60_000));
        assertEquals(
                0,
                run(
                        args(
                                text,
                                dir,
                                "compressed",
                                "--pruning-mode",
                                "compressed",
                                "--pruning_strategy",
                                "magnitude",
                                "--growth-strategy",
                                "balanced")));
        JsonObject cycle =
                JsonParser.parseString(Files.readString(dir.resolve("compressed/summary.json")))
                        .getAsJsonObject()
                        .getAsJsonArray("cycles")
                        .get(0)
                        .getAsJsonObject();
        long before = cycle.getAsJsonObject("baseline").get("parameters").getAsLong();
        long pruned = cycle.getAsJsonObject("pruned").get("parameters").getAsLong();
        long last = cycle.getAsJsonObject("final").get("parameters").getAsLong();
        int perHead = 4 * 128 * 32 + 3 * 32;
        assertEquals(before - 5L * perHead, pruned);
        assertEquals(pruned + 2L * perHead, last);
    }

    @Test
    void aResumeWithOtherOptionsNamesEachOptionThatDiffersWithBothValues(@TempDir Path dir)
            throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        assertEquals(0, run(args(text, dir, "r", "--seed", "1")));
        CliRun resumed =
                CliRun.of(args(text, dir, "r", "--seed", "2", "--growth-ratio", "0.5", "--resume"));
        assertEquals(2, resumed.code(), resumed.err());
        List<String> errors = resumed.err().lines().filter(l -> l.startsWith("sentinel:")).toList();
        assertEquals(1, errors.size(), resumed.err()); // notes may come before it, one each
        assertFalse(resumed.err().contains("\tat "), resumed.err());
        String err = errors.get(0);
        assertTrue(err.contains("was started with other options (config.json)"), err);
        assertTrue(err.contains("growthRatio: 0.33 in the run, 0.5 now"), err);
        assertTrue(err.contains("seed: 1 in the run, 2 now"), err);
    }

    @Test
    void invalidCycleOptionsAreOneLineErrors() {
        CliRun pruning = CliRun.of("cycle", "-m", "nano", "--initial-pruning", "1.5");
        CliRun strategy = CliRun.of("cycle", "-m", "nano", "--pruning-strategy", "loudest");
        assertEquals(2, pruning.code());
        assertEquals(2, strategy.code());
        assertTrue(
                pruning.err().contains("initial pruning must be in [0, 1), got 1.5"),
                pruning.err());
        assertTrue(
                strategy.err()
                        .contains(
                                "ENTROPY, MAGNITUDE, GRADIENT, IMPORTANCE, RANDOM, UNIFORM, COMBINED"),
                strategy.err());
    }
}
