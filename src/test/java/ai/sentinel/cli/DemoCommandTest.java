package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.CliRun;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sentinel demo --quick} end to end in a temporary folder, needing nothing outside the
 * build.
 */
class DemoCommandTest {
    @Test
    void quickDemoWritesAReportWithChartsAndParsableLogsThenReusesItsPretrainedModel(
            @TempDir Path dir) throws Exception {
        CliRun first = CliRun.of("demo", "--quick", "--out", dir.toString());
        assertEquals(0, first.code(), first.err());
        assertTrue(
                first.out().contains("before (baseline)") && first.out().contains("active heads"),
                first.out());
        Path runFolder = dir.resolve("cycle-quick");
        Path report = runFolder.resolve("report.html");
        assertTrue(first.out().contains("report: " + report.toAbsolutePath()));
        String html = Files.readString(report);
        assertTrue(html.contains("data:image/png;base64,") && html.contains("Before and after"));
        for (String png :
                List.of(
                        "loss.png",
                        "perplexity.png",
                        "active_heads.png",
                        "heads_cycle1.png",
                        "entropy_cycle1.png",
                        "gradient_cycle1.png")) {
            byte[] bytes = Files.readAllBytes(runFolder.resolve("charts").resolve(png));
            assertTrue(bytes.length > 3000, png + ": " + bytes.length + " bytes");
            assertEquals(0x89, bytes[0] & 0xff);
            assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));
        }
        for (String file : List.of("metrics.jsonl", "events.jsonl", "heads.jsonl")) {
            List<String> lines = Files.readAllLines(runFolder.resolve(file));
            assertTrue(!lines.isEmpty(), file);
            for (String line : lines) {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                assertTrue(o.has("event") && o.has("cycle"), line);
            }
        }
        assertTrue(first.err().contains("Pretraining nano"));
        assertTrue(Files.exists(dir.resolve("pretrained-quick/model.safetensors")));

        CliRun second = CliRun.of("demo", "--quick", "--out", dir.toString());
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("Using the cached pretrained model"), second.err());
        assertTrue(!second.err().contains("Pretraining nano"));
    }
}
