package ai.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package dependency rule of docs/ARCHITECTURE.md, checked on the import lines of src/main.
 * Sub-packages are packages of their own here ({@code model.gpt2} is not {@code model}), so a model
 * family's package is visible: only the packages listed may name it.
 */
class ArchitectureTest {
    private static final Map<String, Set<String>> ALLOWED =
            Map.ofEntries(
                    Map.entry("io", Set.of()),
                    Map.entry("engine", Set.of("io")),
                    Map.entry("nn", Set.of()),
                    Map.entry("tokenizer", Set.of("io")),
                    Map.entry("data", Set.of("io", "tokenizer")),
                    Map.entry(
                            "model", Set.of("nn", "io", "model.gpt2", "model.opt", "model.llama")),
                    Map.entry("model.gpt2", Set.of("model", "nn", "io")),
                    Map.entry("model.opt", Set.of("model", "nn", "io")),
                    Map.entry("model.llama", Set.of("model", "nn", "io")),
                    Map.entry("eval", Set.of("model", "nn", "data")),
                    Map.entry("train", Set.of("model", "nn", "data", "eval", "io")),
                    Map.entry(
                            "bench",
                            Set.of("model", "nn", "data", "train", "eval", "io", "plasticity")),
                    Map.entry("metrics", Set.of("model", "nn", "data")),
                    Map.entry(
                            "plasticity",
                            Set.of(
                                    "metrics",
                                    "model",
                                    "nn",
                                    "data",
                                    "train",
                                    "eval",
                                    "io",
                                    "tokenizer")),
                    Map.entry(
                            "plasticity.control",
                            Set.of(
                                    "plasticity",
                                    "metrics",
                                    "model",
                                    "nn",
                                    "data",
                                    "train",
                                    "eval",
                                    "io")),
                    Map.entry("report", Set.of("io", "metrics", "model", "plasticity")),
                    Map.entry(
                            "experiments",
                            Set.of(
                                    "io",
                                    "nn",
                                    "metrics",
                                    "model",
                                    "plasticity",
                                    "train",
                                    "eval",
                                    "data",
                                    "report",
                                    "tokenizer")),
                    Map.entry(
                            "cli",
                            Set.of(
                                    "io",
                                    "engine",
                                    "nn",
                                    "tokenizer",
                                    "data",
                                    "model",
                                    "eval",
                                    "train",
                                    "bench",
                                    "metrics",
                                    "plasticity",
                                    "plasticity.control",
                                    "report",
                                    "experiments",
                                    "upgrade")),
                    Map.entry(
                            "upgrade",
                            Set.of(
                                    "io",
                                    "nn",
                                    "model",
                                    "data",
                                    "eval",
                                    "train",
                                    "metrics",
                                    "plasticity",
                                    "plasticity.control",
                                    "report",
                                    "tokenizer")));

    @Test
    void packagesImportOnlyWhatTheRuleAllows() throws IOException {
        Path root = Path.of("src/main/java/ai/sentinel");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(file.getParent()).toString().replace('/', '.');
                for (String line : Files.readAllLines(file)) {
                    String used = usedPackage(line);
                    if (used != null
                            && !used.equals(pkg)
                            && !ALLOWED.getOrDefault(pkg, Set.of()).contains(used)) {
                        violations.add(root.relativize(file) + " uses " + used);
                    }
                    if (!ALLOWED.containsKey(pkg)) {
                        violations.add(
                                pkg + " is a package the rule does not know: add it to ALLOWED");
                        break;
                    }
                    if (line.startsWith("import picocli") && !pkg.equals("cli")) {
                        violations.add(root.relativize(file) + " imports picocli outside cli");
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    /**
     * Forward code must not do arithmetic with Java numbers ({@code x.mul(0.5f)}): the engine frees
     * the wrapped constant while autograd still holds it (see {@code nn.Scalars}). Constants go
     * through {@code Scalars}.
     */
    @Test
    void forwardCodeUsesEngineOwnedConstants() throws IOException {
        java.util.regex.Pattern numberOp =
                java.util.regex.Pattern.compile(
                        "\\.(mul|muli|div|divi|add|addi|sub|subi|pow|powi)\\((-?[0-9.]+f?|[A-Z][A-Z_0-9]+|scale|\\(float\\).*)\\)");
        List<String> violations = new ArrayList<>();
        for (String dir :
                List.of("src/main/java/ai/sentinel/model", "src/main/java/ai/sentinel/nn")) {
            try (Stream<Path> files = Files.walk(Path.of(dir))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        String code = lines.get(i).trim();
                        if (!code.startsWith("*")
                                && !code.startsWith("//")
                                && numberOp.matcher(code).find()) {
                            violations.add(
                                    file.getFileName() + ":" + (i + 1) + " " + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void usedPackageSeesSubPackages() {
        assertEquals("model.gpt2", usedPackage("import ai.sentinel.model.gpt2.Gpt2Model;"));
        assertEquals("model", usedPackage("import ai.sentinel.model.CausalLm;"));
        assertEquals("io", usedPackage("        ai.sentinel.io.Json.write(x);"));
    }

    /**
     * The Sentinel package (with sub-packages) named by an import or a fully qualified reference,
     * or null.
     */
    private static String usedPackage(String line) {
        int at = line.indexOf("ai.sentinel.");
        if (at < 0
                || line.trim().startsWith("package ")
                || line.trim().startsWith("*")
                || line.trim().startsWith("//")) {
            return null;
        }
        String rest = line.substring(at + "ai.sentinel.".length());
        StringBuilder pkg = new StringBuilder();
        int start = 0;
        while (start < rest.length() && Character.isLowerCase(rest.charAt(start))) {
            int end = start;
            while (end < rest.length()
                    && (Character.isLowerCase(rest.charAt(end))
                            || Character.isDigit(rest.charAt(end)))) {
                end++;
            }
            pkg.append(pkg.length() == 0 ? "" : ".").append(rest, start, end);
            if (end >= rest.length() || rest.charAt(end) != '.') {
                break;
            }
            start = end + 1;
        }
        return pkg.length() == 0 ? null : pkg.toString();
    }
}
