package ai.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A user's clone has nothing beside it: no test, script or document may read a file outside the
 * repository (the README's test command once failed on a fresh clone because tests read the
 * reference folder that lies beside the developers' checkout). The forbidden names are assembled
 * from parts below, so that this file does not itself contain them.
 */
class RepositoryBoundaryTest {
    private static final String SHARED = "sha" + "red";

    /** Folders and files whose text is code or commands a user runs. */
    private static final List<String> CHECKED =
            List.of("src", "bench", "tools", "docs", ".ci", "README.md", "sentinel", "pom.xml");

    /** References to the reference folder beside the project, to home-relative or machine paths. */
    private static final Pattern OUTSIDE =
            Pattern.compile(
                    "\\.\\./"
                            + SHARED
                            + "|SENTINEL_"
                            + SHARED.toUpperCase()
                            + "|/"
                            + "work/|Path\\.of\\(\"\\.\\.\"|Paths\\.get\\(\"\\.\\.\"|[\"' =]\\.\\./");

    /**
     * A script's own folder climbed by {@code ../} steps: allowed only as far as the repository
     * root.
     */
    private static final Pattern SCRIPT_RELATIVE =
            Pattern.compile("\\$\\(dirname \"\\$0\"\\)((?:/\\.\\.)+)");

    @Test
    void noTestScriptOrDocumentReadsOutsideTheRepository() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String top : CHECKED) {
            Path start = Path.of(top);
            if (!Files.exists(start)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(start)) {
                for (Path file : files.filter(RepositoryBoundaryTest::isText).toList()) {
                    check(file, violations);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckCatchesWhatItLooksFor() {
        List<String> caught = new ArrayList<>();
        checkLine(
                Path.of("bench/x.sh"),
                "./sentinel train --data-dir ../" + SHARED + "/data",
                caught);
        checkLine(Path.of("bench/experiments/x.sh"), "cd \"$(dirname \"$0\")/../../..\"", caught);
        checkLine(Path.of("src/test/X.java"), "Path p = Path.of(\"..\", \"data\");", caught);
        assertEquals(3, caught.size(), caught.toString());
        List<String> fine = new ArrayList<>();
        checkLine(Path.of("bench/experiments/x.sh"), "cd \"$(dirname \"$0\")/../..\"", fine);
        checkLine(Path.of("src/test/X.java"), "Fixtures.shakespeare(60_000)", fine);
        assertEquals(List.of(), fine);
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file)
                && !file.startsWith(Path.of("bench", "results"))
                && (name.endsWith(".java")
                        || name.endsWith(".sh")
                        || name.endsWith(".py")
                        || name.endsWith(".md")
                        || name.endsWith(".xml")
                        || name.equals("run")
                        || name.equals("sentinel"));
    }

    private static void check(Path file, List<String> violations) throws IOException {
        if (file.endsWith(Path.of("RepositoryBoundaryTest.java"))) {
            return; // its patterns name what they forbid
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            checkLine(file, line, violations);
        }
    }

    private static void checkLine(Path file, String line, List<String> violations) {
        if (OUTSIDE.matcher(line).find()) {
            violations.add(file + ": " + line.trim());
        }
        Matcher climb = SCRIPT_RELATIVE.matcher(line);
        while (climb.find()) {
            int steps = climb.group(1).length() / 3;
            int depth =
                    file.getNameCount() - 1; // folders between the repository root and the script
            if (steps > depth) {
                violations.add(
                        file
                                + " climbs "
                                + steps
                                + " folders from a script "
                                + depth
                                + " deep: "
                                + line.trim());
            }
        }
    }
}
