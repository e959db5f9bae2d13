package ai.sentinel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpProfileTest {
    /** Self time is an operator's time less its callees', per thread; rows sum to the work. */
    @Test
    void selfTimesSubtractNestedCallsOnTheSameThreadOnly(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("trace.json");
        Files.writeString(
                trace,
                "[\n"
                        + event("aten::linear", 0, 100, 1)
                        + ",\n"
                        + event("aten::mm", 10, 60, 1)
                        + ",\n"
                        + event("aten::add_", 75, 20, 1)
                        + ",\n"
                        + event("aten::mm", 20, 50, 2) // another thread: not inside linear
                        + ",\n"
                        + "{\"name\": \"meta\", \"ph\": \"M\"}\n]");
        List<OpProfile.Row> rows = OpProfile.summarise(trace, 2);
        Map<String, Double> self =
                rows.stream()
                        .collect(
                                Collectors.toMap(
                                        OpProfile.Row::operator, OpProfile.Row::millisPerRepeat));
        assertEquals(0.110 / 2, self.get("aten::mm"), 1e-12); // (60 + 50) µs over 2 repeats
        assertEquals(0.020 / 2, self.get("aten::linear"), 1e-12); // 100 − 60 − 20
        assertEquals(0.010, self.get("aten::add_"), 1e-12);
        assertEquals("aten::mm", rows.get(0).operator());
        assertEquals(1.0, rows.get(0).callsPerRepeat());
    }

    private static String event(String name, double start, double duration, int thread) {
        return String.format(
                java.util.Locale.ROOT,
                "{\"name\": \"%s\", \"ph\": \"X\", \"ts\": %.3f, \"dur\": %.3f, \"tid\": %d,"
                        + " \"pid\": \"CPU Functions\"}",
                name,
                start,
                duration,
                thread);
    }
}
