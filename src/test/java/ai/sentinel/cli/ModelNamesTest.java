package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.testing.ChildJvm;
import ai.sentinel.testing.CliRun;
import ai.sentinel.tokenizer.ByteTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The name a user types means the pretrained model: a cached {@code distilgpt2} is that model,
 * never the random preset of its shape, which is asked for as {@code preset:distilgpt2}.
 */
class ModelNamesTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** What a child JVM printed (output and errors merged) and its exit code. */
    private record Run(int code, String output) {}

    private static Run sentinel(Path cache, String... args) throws Exception {
        ProcessBuilder pb = ChildJvm.sentinel(List.of(args));
        pb.environment().put("HF_HUB_CACHE", cache.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return new Run(p.exitValue(), out);
    }

    /** A 2-layer GPT-2 saved as huggingface_hub caches {@code distilgpt2}. */
    private static void cacheTinyGpt2AsDistilgpt2(Path cache) throws Exception {
        Path repo = cache.resolve("models--distilgpt2");
        Path snapshot = repo.resolve("snapshots").resolve(COMMIT);
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset("nano")
                                .orElseThrow()
                                .initialize(256, 2, 4, 32, manager, 1)) {
            ModelFiles.save(model, snapshot);
        }
        Files.delete(snapshot.resolve(ModelFiles.HEADS_FILE)); // a plain Hugging Face folder
        new ByteTokenizer().save(snapshot);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs").resolve("main"), COMMIT);
    }

    @Test
    void aCachedModelBeatsThePresetOfTheSameName(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("hub");
        cacheTinyGpt2AsDistilgpt2(cache);
        Run cached = sentinel(cache, "info", "-m", "distilgpt2");
        assertEquals(0, cached.code(), cached.output());
        assertTrue(cached.output().contains("layers       2"), cached.output());
        assertFalse(cached.output().contains("random weights"), cached.output());

        Run preset = sentinel(cache, "info", "-m", "preset:distilgpt2");
        assertEquals(0, preset.code(), preset.output());
        assertTrue(
                preset.output().startsWith("random weights: preset distilgpt2, seed"),
                preset.output());
        assertTrue(preset.output().contains("layers       6"), preset.output());
    }

    @Test
    void aPretrainedNameMissingFromTheCacheSaysWhereItLookedAndHowToAskForTheShape(
            @TempDir Path dir) throws Exception {
        Run missing = sentinel(dir.resolve("empty-hub"), "info", "-m", "distilgpt2");
        assertEquals(2, missing.code(), missing.output());
        String line = missing.output().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(
                line.contains(dir.resolve("empty-hub").resolve("models--distilgpt2").toString())
                        && line.contains("huggingface-cli download distilgpt2")
                        && line.contains("--model preset:distilgpt2"),
                line);

        Run toy = sentinel(dir.resolve("empty-hub"), "info", "-m", "nano");
        assertEquals(0, toy.code(), toy.output());
        assertTrue(toy.output().startsWith("random weights: preset nano"), toy.output());

        Run unknown = sentinel(dir.resolve("empty-hub"), "info", "-m", "preset:no-such-shape");
        assertEquals(2, unknown.code(), unknown.output());
        assertTrue(unknown.output().contains("no preset no-such-shape"), unknown.output());
    }

    @Test
    void upgradeTakesTheModelAsEveryCommandDoesOrAsItsFirstArgument() {
        CliRun twice = CliRun.of("upgrade", "-m", "nano", "opt-nano", "-o", "unused");
        assertEquals(2, twice.code(), twice.err());
        assertTrue(twice.err().contains("the model is given twice"), twice.err());
        CliRun none = CliRun.of("upgrade", "-o", "unused");
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("no model: give --model"), none.err());
    }
}
