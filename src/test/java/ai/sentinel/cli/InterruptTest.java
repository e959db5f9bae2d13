package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.Fixtures;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupting {@code sentinel train} (the JVM's shutdown path, which Ctrl-C takes) stops after the current step and
 * leaves a checkpoint that {@code --resume} continues from.
 */
class InterruptTest {
    @Test
    void anInterruptedTrainingRunLeavesAResumableCheckpoint(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(100_000));
        Path out = dir.resolve("run");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), SentinelCli.class.getName(),
                "train", "-m", "nano", "--dataset", text.toString(), "--steps", "100000", "--batch-size", "4",
                "--seq-len", "32", "--eval-every", "0", "--eval-batches", "1", "--checkpoint-every", "0", "--out",
                out.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log.txt").toFile()).start();
        Path metrics = out.resolve("metrics.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(metrics) && Files.readAllLines(metrics).size() >= 2) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(Files.exists(metrics), "training never started: " + Files.readString(dir.resolve("log.txt")));
        process.destroy(); // SIGTERM: the same shutdown hook as Ctrl-C's SIGINT
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the run did not stop");
        String log = Files.readString(dir.resolve("log.txt"));
        assertTrue(log.contains("resume with the same command and --resume"), log);
        long step = JsonParser.parseString(Files.readString(out.resolve("checkpoint/train_state.json")))
                .getAsJsonObject().get("step").getAsLong();
        assertTrue(step >= 20, "checkpoint at step " + step);

        int code = SentinelCli.run("train", "-m", "nano", "--dataset", text.toString(), "--steps",
                Long.toString(step + 5), "--batch-size", "4", "--seq-len", "32", "--eval-every", "0",
                "--eval-batches", "1", "--checkpoint-every", "0", "--out", out.toString(), "--resume");
        assertEquals(0, code);
        assertEquals(step + 5, JsonParser.parseString(Files.readString(out.resolve("checkpoint/train_state.json")))
                .getAsJsonObject().get("step").getAsLong());
    }
}
