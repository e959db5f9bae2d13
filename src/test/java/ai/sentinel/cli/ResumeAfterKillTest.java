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
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a kill leaves behind, laid out by hand: a checkpoint swap stopped between its renames, a
 * half-written metrics line, steps logged after the checkpoint. {@code --resume} finds the
 * checkpoint, logs each step once and prints no engine warning.
 */
class ResumeAfterKillTest {
    @Test
    void resumeFindsTheCheckpointLeftAsOldAndCutsTheLogBack(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(60_000));
        Path out = dir.resolve("run");
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "train",
                                "-m",
                                "nano",
                                "--n-layer",
                                "2",
                                "--n-head",
                                "2",
                                "--n-embd",
                                "32",
                                "--dataset",
                                text.toString(),
                                "--batch-size",
                                "4",
                                "--seq-len",
                                "32",
                                "--eval-every",
                                "3",
                                "--eval-batches",
                                "1",
                                "--checkpoint-every",
                                "3",
                                "--out",
                                out.toString()));
        CliRun first = run(args, "--steps", "6");
        assertEquals(0, first.code(), first.err());
        Path checkpoint = out.resolve("checkpoint");
        // killed between "checkpoint -> checkpoint.old" and "checkpoint.tmp -> checkpoint", tmp
        // only half written
        Files.move(checkpoint, out.resolve("checkpoint.old"));
        Files.createDirectories(out.resolve("checkpoint.tmp/model"));
        Files.writeString(
                out.resolve("checkpoint.tmp/train_state.json"),
                "{\"format_version\": 1, \"step\": 9");
        // the killed run had logged steps 7..8 and half a line
        Files.writeString(
                out.resolve("metrics.jsonl"),
                "{\"event\":\"step\",\"step\":7,\"loss\":5.0}\n"
                        + "{\"event\":\"step\",\"step\":8,\"loss\":5.0}\n{\"event\":\"st",
                StandardOpenOption.APPEND);

        CliRun resumed = run(args, "--steps", "9", "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("Resuming at step 6 of 9"), resumed.err());
        assertFalse(
                resumed.err().contains("AutoNonVariableTypeMode") || resumed.err().contains("[W"),
                "an engine warning on resume: " + resumed.err());
        assertFalse(
                Files.exists(out.resolve("checkpoint.old"))
                        || Files.exists(out.resolve("checkpoint.tmp")));

        List<Long> steps = new ArrayList<>();
        List<Long> evals = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            (o.get("event").getAsString().equals("eval") ? evals : steps)
                    .add(o.get("step").getAsLong());
        }
        assertEquals(List.of(3L, 6L, 9L), evals, "each evaluation once");
        assertEquals(
                steps.stream().distinct().sorted().toList(),
                steps,
                "each step once, in order: " + steps);
        assertEquals(9L, steps.get(steps.size() - 1));
    }

    @Test
    void resumeWithNoCompleteCheckpointSaysSo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out.resolve("checkpoint.tmp"));
        CliRun r = CliRun.of("train", "-m", "nano", "--out", out.toString(), "--resume");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no checkpoint in"), r.err());
    }

    @Test
    void cycleResumeNeedsTheRunAndItsOptions(@TempDir Path dir) throws Exception {
        CliRun none =
                CliRun.of(
                        "cycle",
                        "-m",
                        "nano",
                        "--runs-dir",
                        dir.toString(),
                        "--experiment-name",
                        "x",
                        "--resume");
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("no run in"), none.err());
        Path run = dir.resolve("x");
        Files.createDirectories(run);
        Files.writeString(run.resolve("config.json"), "{\"command\": \"cycle\", \"seed\": 7}");
        CliRun other =
                CliRun.of(
                        "cycle",
                        "-m",
                        "nano",
                        "--runs-dir",
                        dir.toString(),
                        "--experiment-name",
                        "x",
                        "--resume");
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("resume with the same options"), other.err());
    }

    private static CliRun run(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return CliRun.of(all.toArray(String[]::new));
    }
}
