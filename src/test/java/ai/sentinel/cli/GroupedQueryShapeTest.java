package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.io.Json;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: the grouped-query shape was invisible (neither {@code info} nor the training line
 * mentioned key/value groups) and presets offered no way to set it.
 */
class GroupedQueryShapeTest {
    @Test
    void infoNamesTheKeyValueGroupsAndNKvHeadSetsThem() {
        assertHeadsLine("4 per layer in 2 key/value groups, 16 in all", "llama-nano");
        assertHeadsLine("4 per layer in 1 key/value group, 16 in all", "llama-nano", "1");
        assertHeadsLine("4 per layer, 16 in all", "llama-nano", "4");
        assertHeadsLine("4 per layer, 16 in all", "nano");
        assertHeadsLine("4 per layer, 16 in all", "nano", "4");
    }

    @Test
    void aGroupCountThatDoesNotDivideTheHeadsOrAFamilyWithoutGroupsIsOneLine() {
        assertBadInput(
                "--n-kv-head must divide the 4 heads per layer (1, 2, 4), got 3",
                "info",
                "-m",
                "llama-nano",
                "--n-kv-head",
                "3");
        assertBadInput(
                "--n-kv-head must divide the 4 heads per layer (1, 2, 4), got 0",
                "info",
                "-m",
                "llama-nano",
                "--n-kv-head",
                "0");
        assertBadInput(
                "--n-kv-head must divide the 6 heads per layer (1, 2, 3, 6), got 4",
                "info",
                "-m",
                "llama-nano",
                "--n-head",
                "6",
                "--n-embd",
                "96",
                "--n-kv-head",
                "4");
        assertBadInput(
                "preset opt-nano gives every head its own keys and values (give 4 or leave it"
                        + " out); key/value groups need a Llama-family preset (llama-nano,",
                "info",
                "-m",
                "opt-nano",
                "--n-kv-head",
                "2");
        assertBadInput("preset nano gives every head", "info", "-m", "nano", "--n-kv-head", "1");
    }

    @Test
    void theTrainingLineNamesTheGroupsAndTheSavedModelHasThem(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        Path out = dir.resolve("run");
        CliRun train =
                CliRun.of(
                        "train",
                        "-m",
                        "llama-nano",
                        "--n-layer",
                        "1",
                        "--n-kv-head",
                        "1",
                        "--dataset",
                        text.toString(),
                        "--steps",
                        "1",
                        "--batch-size",
                        "2",
                        "--seq-len",
                        "32",
                        "--eval-batches",
                        "1",
                        "--out",
                        out.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(
                train.err().contains("Training 1 layers × 4 heads in 1 key/value group, "),
                train.err());
        assertEquals(
                1,
                Json.readObject(out.resolve("model/config.json"))
                        .get("num_key_value_heads")
                        .getAsInt());
    }

    private static void assertHeadsLine(String expected, String preset, String... kvHeads) {
        CliRun info =
                kvHeads.length == 0
                        ? CliRun.of("info", "-m", preset)
                        : CliRun.of("info", "-m", preset, "--n-kv-head", kvHeads[0]);
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("heads        " + expected + ";"), info.out());
    }

    private static void assertBadInput(String fragment, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("sentinel: ") && err.contains(fragment), err);
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
    }
}
