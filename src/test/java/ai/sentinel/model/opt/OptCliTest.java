package ai.sentinel.model.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.Json;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opt-nano preset trains, generates and runs a compressed plasticity cycle end to end from the
 * command line.
 */
class OptCliTest {
    private static String[] args(Path text, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(
                List.of(
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--batch-size",
                        "4",
                        "--eval-batches",
                        "1",
                        "--warmup-steps",
                        "4"));
        return a.toArray(String[]::new);
    }

    @Test
    void trainingOptNanoWritesAnOptModelThatLoadsAndGenerates(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(40_000));
        Path run = dir.resolve("train");
        CliRun train =
                CliRun.of(
                        args(
                                text,
                                "train",
                                "-m",
                                "opt-nano",
                                "--steps",
                                "20",
                                "--eval-every",
                                "10",
                                "-o",
                                run.toString()));
        assertEquals(0, train.code(), train.err());
        Path model = run.resolve("model");
        JsonObject config = Json.readObject(model.resolve("config.json"));
        assertEquals("opt", config.get("model_type").getAsString());
        assertEquals(128, config.get("hidden_size").getAsInt());
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm loaded = ModelFiles.load(model, manager)) {
            assertInstanceOf(OptModel.class, loaded);
            assertEquals(16, loaded.gates().numActive());
        }
        CliRun generate =
                CliRun.of(
                        "generate",
                        "-m",
                        model.toString(),
                        "--prompt",
                        "ROMEO:",
                        "--max-new-tokens",
                        "6",
                        "--temperature",
                        "0");
        assertEquals(0, generate.code(), generate.err());
        assertTrue(generate.out().contains("ROMEO:"), generate.out());
    }

    @Test
    void aCompressedCycleOnOptNanoShrinksAndRegrowsTheModel(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(40_000));
        CliRun cycle =
                CliRun.of(
                        args(
                                text,
                                "cycle",
                                "-m",
                                "opt-nano",
                                "--initial-training-steps",
                                "20",
                                "--learning-steps",
                                "10",
                                "--pruning-mode",
                                "compressed",
                                "--metric-batches",
                                "1",
                                "--sample-tokens",
                                "4",
                                "--runs-dir",
                                dir.toString(),
                                "--experiment-name",
                                "opt"));
        assertEquals(0, cycle.code(), cycle.err());
        JsonObject summary =
                JsonParser.parseString(Files.readString(dir.resolve("opt/summary.json")))
                        .getAsJsonObject()
                        .getAsJsonArray("cycles")
                        .get(0)
                        .getAsJsonObject();
        long before = summary.getAsJsonObject("baseline").get("parameters").getAsLong();
        long pruned = summary.getAsJsonObject("pruned").get("parameters").getAsLong();
        long last = summary.getAsJsonObject("final").get("parameters").getAsLong();
        int perHead =
                4 * 128 * 32 + 3 * 32; // q, k, v rows and out_proj columns, and q, k, v biases
        assertEquals(before - 5L * perHead, pruned, "30% of 16 heads removed");
        assertEquals(pruned + 2L * perHead, last, "0.33 × 5 regrown");
        assertEquals(
                summary.getAsJsonObject("pruned").get("perplexity").getAsDouble(),
                summary.getAsJsonObject("grown").get("perplexity").getAsDouble(),
                1e-6,
                "function-preserving growth leaves perplexity unchanged");
    }
}
