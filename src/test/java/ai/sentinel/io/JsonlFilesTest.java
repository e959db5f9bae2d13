package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFilesTest {
    @Test
    void cutBackKeepsCompleteLinesUpToTheStepAndDropsAHalfWrittenLine(@TempDir Path dir)
            throws IOException {
        Path log = dir.resolve("metrics.jsonl");
        Files.writeString(
                log,
                "{\"step\":10}\n{\"event\":\"start\"}\n{\"step\":20}\n{\"step\":30}\n{\"step\":4");
        try (JsonlWriter appending = new JsonlWriter(log, true)) {
            assertEquals(3, JsonlFiles.cutBack(log, JsonlFiles.atMost("step", 20)));
            appending.write(
                    Json.parseObject(
                            "{\"step\":21}", "test")); // an open appender writes at the new end
        }
        assertEquals(
                List.of("{\"step\":10}", "{\"event\":\"start\"}", "{\"step\":20}", "{\"step\":21}"),
                Files.readAllLines(log));
        Files.writeString(log, "{\"step\":10}\n{\"step\":1");
        assertEquals(1, JsonlFiles.cutBack(log, o -> true));
        assertEquals("{\"step\":10}\n", Files.readString(log));
        assertEquals(0, JsonlFiles.cutBack(dir.resolve("missing.jsonl"), o -> true));
    }
}
