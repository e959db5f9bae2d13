package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --controller} and {@code cycle --controller} end to end on a tiny model: the
 * controller acts, and the run folder holds its decisions, snapshots, summary, continuations and
 * report; bad combinations are one line and exit code 2.
 */
class ControllerCommandTest {
    private static List<String> train(Path text, Path out, String... extra) {
        return train(text, out, 24, extra);
    }

    private static List<String> train(Path text, Path out, int steps, String... extra) {
        List<String> a =
                new ArrayList<>(
                        List.of(
                                "train",
                                "-m",
                                "nano",
                                "--n-layer",
                                "2",
                                "--n-head",
                                "4",
                                "--n-embd",
                                "32",
                                "--dataset",
                                text.toString(),
                                "--seq-len",
                                "32",
                                "--batch-size",
                                "4",
                                "--steps",
                                Integer.toString(steps),
                                "--eval-every",
                                "12",
                                "--eval-batches",
                                "1",
                                "--lr",
                                "3e-3",
                                "--out",
                                out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void aLearnedControllerRunReachesItsTargetAndWritesItsRecord(@TempDir Path dir)
            throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(40_000));
        Path out = dir.resolve("learned");
        CliRun run =
                CliRun.of(
                        train(
                                        text,
                                        out,
                                        80,
                                        "--controller",
                                        "ann",
                                        "--target-active",
                                        "0.5",
                                        "--controller-warmup-steps",
                                        "5",
                                        "--target-ramp-steps",
                                        "30",
                                        "--update-frequency",
                                        "10")
                                .toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        JsonObject summary = json(out.resolve("summary.json"));
        assertEquals("learned", summary.get("controller").getAsString());
        assertEquals(8, summary.get("total_heads").getAsInt());
        // binarised at the end: the expected number of open gates decides how many stay
        int pruned = summary.get("pruned_heads").getAsInt();
        assertTrue(pruned >= 3 && pruned <= 5, "within one head of 4 pruned: " + pruned);
        for (String file :
                List.of(
                        "events.jsonl",
                        "heads.jsonl",
                        "samples.json",
                        "report.html",
                        "charts/controller_dynamics.png",
                        "charts/controller_gates.png",
                        "model/config.json")) {
            assertTrue(Files.exists(out.resolve(file)), file);
        }
        assertTrue(run.out().contains("pruned " + pruned), run.out());
        assertTrue(Files.readString(out.resolve("events.jsonl")).contains("controller_interval"));
        assertEquals("ann", json(out.resolve("run-config.json")).get("controller").getAsString());
    }

    @Test
    void aThresholdControllerActsInsideTheCycle(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(40_000));
        CliRun run =
                CliRun.of(
                        "cycle",
                        "-m",
                        "nano",
                        "--n-layer",
                        "2",
                        "--n-head",
                        "4",
                        "--n-embd",
                        "32",
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--batch-size",
                        "4",
                        "--initial-training-steps",
                        "0",
                        "--cycles",
                        "1",
                        "--learning-steps",
                        "12",
                        "--eval-batches",
                        "1",
                        "--metric-batches",
                        "1",
                        "--sample-tokens",
                        "0",
                        "--warmup-steps",
                        "2",
                        "--controller",
                        "threshold",
                        "--controller-interval",
                        "4",
                        "--controller-batches",
                        "1",
                        "--high-entropy-threshold",
                        "q0.25",
                        "--grad-threshold",
                        "q0.75",
                        "--prune-rate-limit",
                        "0.5",
                        "--runs-dir",
                        dir.toString(),
                        "--experiment-name",
                        "c");
        assertEquals(0, run.code(), run.err());
        String events = Files.readString(dir.resolve("c/events.jsonl"));
        assertTrue(events.contains("\"controller_pruned\""), events);
        assertTrue(
                Files.readString(dir.resolve("c/metrics.jsonl")).contains("controller_interval"));
        assertTrue(
                run.err().contains("threshold"), "the first measurement's summary: " + run.err());
        assertEquals(
                1,
                run.err().split("threshold controller, first measurement at step", -1).length - 1,
                "the first measurement's summary is printed once: " + run.err());
    }

    @Test
    void controllerOptionsThatWouldBeIgnoredOrOutOfRangeAreRefused(@TempDir Path dir)
            throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(
                List.of("--high-entropy-threshold", "0.8"),
                "--high-entropy-threshold applies only with --controller threshold, and no"
                        + " --controller was given");
        cases.put(
                List.of("--penalty", "0.1"),
                "--penalty applies only with --controller learned, and no --controller was given");
        cases.put(
                List.of("--pruning-mode", "COMPRESSED"),
                "--pruning-mode applies only with --controller threshold or learned");
        cases.put(
                List.of("--controller", "learned", "--controller-interval", "10"),
                "--controller-interval applies only with --controller threshold, not with"
                        + " --controller learned");
        cases.put(
                List.of("--controller", "threshold", "--gate-threshold", "0.1"),
                "--gate-threshold applies only with --controller learned, not with --controller"
                        + " threshold");
        cases.put(
                List.of("--controller", "threshold", "--high-entropy-threshold", "-5"),
                "--high-entropy-threshold -5 is out of range: normalised attention entropy is in"
                        + " [0, 1], so an absolute threshold must be in [0, 1]");
        cases.put(
                List.of("--controller", "threshold", "--low-entropy-threshold", "1.5"),
                "--low-entropy-threshold 1.5 is out of range");
        cases.put(
                List.of("--controller", "threshold", "--grad-threshold", "-1e-3"),
                "--grad-threshold -1e-3 is out of range: a gradient norm or sensitivity is >= 0");
        cases.put(
                List.of("--controller", "threshold", "--revive-threshold", "-1"),
                "--revive-threshold -1 is out of range");
        for (var c : cases.entrySet()) {
            CliRun run =
                    CliRun.of(
                            train(text, dir.resolve("bad"), c.getKey().toArray(String[]::new))
                                    .toArray(String[]::new));
            assertEquals(2, run.code(), c.getKey() + ": " + run.err());
            assertEquals(1, run.err().strip().lines().count(), c.getKey() + ": " + run.err());
            assertTrue(run.err().contains(c.getValue()), c.getKey() + ": " + run.err());
        }
    }

    @Test
    void badControllerRequestsAreOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        for (List<String> extra :
                List.of(
                        List.of("--controller", "magic"),
                        List.of("--controller", "threshold", "--progressive"),
                        List.of("--controller", "learned", "--train-gates"),
                        List.of(
                                "--controller",
                                "learned",
                                "--target-active",
                                "0.5",
                                "--penalty",
                                "1"),
                        List.of("--controller", "threshold", "--high-entropy-threshold", "q2"))) {
            CliRun run =
                    CliRun.of(
                            train(text, dir.resolve("bad"), extra.toArray(String[]::new))
                                    .toArray(String[]::new));
            assertEquals(2, run.code(), extra + ": " + run.err());
            assertEquals(1, run.err().strip().lines().count(), extra + ": " + run.err());
            assertFalse(run.err().contains("Exception"), run.err());
        }
    }

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }
}
