package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command never writes where it reads its model: an output that is the model folder (under any
 * name: itself, a link to it, a path through '..'), lies inside it or contains it is refused in one
 * line with exit code 2, even with --force, and the model's files stay byte for byte as they were.
 */
class OutputApartFromModelTest {
    @Test
    void everyOutputOverlappingTheModelIsRefusedAndTheModelIsUntouched(@TempDir Path dir)
            throws IOException {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        Path model = dir.resolve("pruned");
        CliRun prune =
                CliRun.of(
                        "prune",
                        "-m",
                        "nano",
                        "--n-layer",
                        "2",
                        "--n-head",
                        "4",
                        "--n-embd",
                        "32",
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--metric-batches",
                        "1",
                        "-o",
                        model.toString());
        assertEquals(0, prune.code(), prune.err());
        assertTrue(Files.exists(model.resolve("sentinel_heads.safetensors")));
        Map<String, byte[]> before = contents(model);
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), model);

        record Case(Path out, String relation) {}
        for (Case c :
                List.of(
                        new Case(model, " is "),
                        new Case(alias, " is "),
                        new Case(model.resolve("sub").resolve(".."), " is "),
                        new Case(model.resolve("export"), " lies inside "),
                        new Case(alias.resolve("export"), " lies inside "),
                        new Case(dir, " contains "))) {
            for (String command : List.of("export", "prune", "grow")) {
                CliRun refused =
                        CliRun.of(
                                command,
                                "-m",
                                model.toString(),
                                "--dataset",
                                text.toString(),
                                "--seq-len",
                                "32",
                                "-o",
                                c.out().toString(),
                                command.equals("export") ? "--force" : "--seed=1");
                String err = refused.err().strip();
                assertEquals(2, refused.code(), command + " -o " + c.out() + ": " + err);
                assertEquals(1, err.lines().count(), err);
                assertTrue(err.contains(c.relation()) && err.contains("--model"), err);
            }
        }
        CliRun fromAlias =
                CliRun.of("export", "-m", alias.toString(), "-o", model.toString(), "--force");
        assertEquals(2, fromAlias.code(), fromAlias.err());
        CliRun cycle =
                CliRun.of(
                        "cycle",
                        "-m",
                        model.toString(),
                        "--runs-dir",
                        dir.toString(),
                        "--experiment-name",
                        "pruned");
        assertEquals(2, cycle.code(), cycle.err());
        assertTrue(cycle.err().contains("--runs-dir/--experiment-name"), cycle.err());
        CliRun upgrade = CliRun.of("upgrade", "-m", model.toString(), "-o", model.toString());
        assertEquals(2, upgrade.code(), upgrade.err());

        Map<String, byte[]> after = contents(model);
        assertEquals(before.keySet(), after.keySet(), "no file added or removed");
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name);
        }
        assertFalse(Files.exists(model.resolve("export")), "nothing created inside the model");
    }

    private static Map<String, byte[]> contents(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return files;
    }
}
