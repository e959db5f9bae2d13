package ai.sentinel.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The llama-nano preset trains and runs a compressed plasticity cycle end to end through the
 * command line.
 */
class LlamaCommandsTest {
    @Test
    void trainWritesAModelThatLoadsAsLlama(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(40_000));
        Path out = dir.resolve("train");
        CliRun run =
                CliRun.of(
                        "train",
                        "-m",
                        "llama-nano",
                        "--dataset",
                        text.toString(),
                        "--steps",
                        "20",
                        "--seq-len",
                        "32",
                        "--batch-size",
                        "4",
                        "--warmup-steps",
                        "4",
                        "--eval-every",
                        "10",
                        "--eval-batches",
                        "1",
                        "--out",
                        out.toString());
        assertEquals(0, run.code(), run.err());
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = ModelFiles.load(out.resolve("model"), m)) {
            assertTrue(model instanceof LlamaModel, model.getClass().getName());
            assertEquals(2, ((LlamaModel) model).config().numKvHeads());
        }
    }

    @Test
    void aCompressedCycleShrinksAndRegrowsTheModel(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(40_000));
        CliRun run =
                CliRun.of(
                        "cycle",
                        "-m",
                        "llama-nano",
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--batch-size",
                        "4",
                        "--initial-training-steps",
                        "20",
                        "--learning-steps",
                        "10",
                        "--pruning-mode",
                        "compressed",
                        "--eval-batches",
                        "2",
                        "--metric-batches",
                        "1",
                        "--sample-tokens",
                        "8",
                        "--warmup-steps",
                        "5",
                        "--n-layer",
                        "2",
                        "--n-embd",
                        "64",
                        "--save-model",
                        "--runs-dir",
                        dir.toString(),
                        "--experiment-name",
                        "llama");
        assertEquals(0, run.code(), run.err());
        JsonObject cycle =
                JsonParser.parseString(Files.readString(dir.resolve("llama/summary.json")))
                        .getAsJsonObject()
                        .getAsJsonArray("cycles")
                        .get(0)
                        .getAsJsonObject();
        long before = cycle.getAsJsonObject("baseline").get("parameters").getAsLong();
        long pruned = cycle.getAsJsonObject("pruned").get("parameters").getAsLong();
        long last = cycle.getAsJsonObject("final").get("parameters").getAsLong();
        assertTrue(
                pruned < before, "compressed pruning removes slices: " + pruned + " vs " + before);
        assertTrue(last > pruned, "growth puts slices back: " + last + " vs " + pruned);
        assertEquals(
                cycle.getAsJsonObject("pruned").get("perplexity").getAsDouble(),
                cycle.getAsJsonObject("grown").get("perplexity").getAsDouble(),
                1e-6,
                "function-preserving growth leaves perplexity unchanged");
        Path saved = dir.resolve("llama/models/cycle1-pruned");
        JsonObject config =
                JsonParser.parseString(Files.readString(saved.resolve("config.json")))
                        .getAsJsonObject();
        assertTrue(config.has(LlamaConfig.PRUNED_HEADS_KEY), config.toString());
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = ModelFiles.load(saved, m)) {
            assertEquals(pruned, model.numParameters());
        }
    }
}
