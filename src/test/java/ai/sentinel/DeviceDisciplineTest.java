package ai.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every array follows the model's device: only the packages that decide where a model lives ({@code
 * cli}, {@code experiments}, {@code bench}, and {@code nn.Devices} that parses the name) name a
 * device; everything else allocates from the model's manager, an array's manager, or a manager made
 * on an array's device. A CPU array meeting a GPU model's arrays fails inside libtorch; on the CPU
 * machines the suite runs on it cannot, so the rule is checked on the source.
 */
class DeviceDisciplineTest {
    private static final Set<String> DECIDE =
            Set.of("cli", "experiments", "bench", "engine", "nn/Devices.java");

    /** A device named, or a manager on the engine's default device (a GPU whenever one exists). */
    private static final Pattern NAMED =
            Pattern.compile("Device\\.(cpu|gpu|of|fromName)\\(|newBaseManager\\(\\)");

    @Test
    void onlyTheDecidingPackagesNameADevice() throws IOException {
        Path root = Path.of("src/main/java/ai/sentinel");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String rel = root.relativize(file).toString().replace('\\', '/');
                if (DECIDE.stream().anyMatch(d -> rel.equals(d) || rel.startsWith(d + "/"))) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    // ScriptedOp's manager holds only parameterless TorchScript modules, which run
                    // on their inputs' device
                    if (NAMED.matcher(line).find() && !rel.equals("nn/ScriptedOp.java")) {
                        violations.add(rel + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
