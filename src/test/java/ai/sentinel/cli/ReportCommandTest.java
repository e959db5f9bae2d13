package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sentinel report} on a train run folder, and on a folder that is no run. */
class ReportCommandTest {
    @TempDir Path tmp;

    @Test
    void aTrainRunFolderGetsAReport() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("train"));
        Files.writeString(
                run.resolve("run-config.json"),
                "{\"command\": \"train\", \"model\": \"gpt2-nano\", \"steps\": 20, \"seed\": 42}");
        Files.writeString(
                run.resolve("metrics.jsonl"),
                "{\"event\":\"step\",\"step\":10,\"loss\":5.1,\"lr\":0.001}\n"
                        + "{\"event\":\"step\",\"step\":20,\"loss\":4.2,\"lr\":0.001}\n"
                        + "{\"event\":\"eval\",\"step\":20,\"val_loss\":4.4,\"val_perplexity\":81.5,"
                        + "\"val_tokens\":512}\n");
        CliRun result = CliRun.of("report", run.toString());
        assertEquals(0, result.code(), result.err());
        assertTrue(Files.size(run.resolve("charts/loss.png")) > 0);
        assertTrue(Files.readString(run.resolve("report.html")).contains("Training report"));
    }

    @Test
    void aFolderThatIsNoRunIsNamed() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("nothing"));
        CliRun result = CliRun.of("report", folder.toString());
        assertNotEquals(0, result.code());
        assertTrue(result.err().contains(folder.toString()), result.err());
    }
}
