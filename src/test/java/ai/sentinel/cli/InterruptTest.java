package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.Fixtures;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupting {@code sentinel train} (the JVM's shutdown path, which Ctrl-C takes) stops after the
 * current step and leaves a checkpoint that {@code --resume} continues from. The test waits on the
 * child's own progress line, not on a clock, so a loaded machine only makes it slower.
 */
class InterruptTest {
    private static final int STEPS = 200; // progress is printed every tenth: a line at step 20

    @Test
    void anInterruptedTrainingRunLeavesAResumableCheckpoint(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(100_000));
        Path out = dir.resolve("run");
        List<String> command =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SentinelCli.class.getName(),
                        "train",
                        "-m",
                        "nano",
                        "--dataset",
                        text.toString(),
                        "--steps",
                        Integer.toString(STEPS),
                        "--batch-size",
                        "4",
                        "--seq-len",
                        "32",
                        "--eval-every",
                        "0",
                        "--eval-batches",
                        "1",
                        "--checkpoint-every",
                        "0",
                        "--out",
                        out.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        BufferedReader output =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String firstProgress = " " + STEPS / 10 + "/" + STEPS + " ";
        for (String line; (line = output.readLine()) != null; ) {
            log.append(line).append('\n');
            if (line.contains(firstProgress)) {
                break;
            }
        }
        assertTrue(
                log.toString().contains(firstProgress),
                "training never reached step " + STEPS / 10 + ":\n" + log);
        // SIGTERM, the same shutdown hook as Ctrl-C's SIGINT; through the handle, which (unlike
        // Process.destroy) leaves our end of the output pipe open to read what the run prints as it
        // stops
        process.toHandle().destroy();
        for (String line; (line = output.readLine()) != null; ) {
            log.append(line).append('\n');
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the run did not stop");
        assertTrue(
                log.toString().contains("resume with the same command and --resume"),
                log.toString());
        long step =
                JsonParser.parseString(Files.readString(out.resolve("checkpoint/train_state.json")))
                        .getAsJsonObject()
                        .get("step")
                        .getAsLong();
        assertTrue(step >= STEPS / 10 && step < STEPS, "checkpoint at step " + step);

        int code =
                SentinelCli.run(
                        "train",
                        "-m",
                        "nano",
                        "--dataset",
                        text.toString(),
                        "--steps",
                        Long.toString(step + 5),
                        "--batch-size",
                        "4",
                        "--seq-len",
                        "32",
                        "--eval-every",
                        "0",
                        "--eval-batches",
                        "1",
                        "--checkpoint-every",
                        "0",
                        "--out",
                        out.toString(),
                        "--resume");
        assertEquals(0, code);
        assertEquals(
                step + 5,
                JsonParser.parseString(Files.readString(out.resolve("checkpoint/train_state.json")))
                        .getAsJsonObject()
                        .get("step")
                        .getAsLong());
    }
}
