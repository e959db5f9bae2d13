package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sentinel heads} shows the key/value share of gradient norm and magnitude apart only for a
 * grouped-query model, in its table and in heads.json.
 */
class HeadsCommandTest {
    @Test
    void keyValueSharesAreShownForGroupedQueryModelsOnly(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        CliRun llama = heads(dir.resolve("llama"), text, "llama-nano");
        assertEquals(0, llama.code(), llama.err());
        assertTrue(llama.out().contains("mag-kv"), llama.out());
        String json = Files.readString(dir.resolve("llama/heads.json"));
        assertTrue(json.contains("magnitude_kv_share"), json);
        assertTrue(json.contains("gradient_norm_kv_share"), json);

        CliRun gpt2 = heads(dir.resolve("gpt2"), text, "nano");
        assertEquals(0, gpt2.code(), gpt2.err());
        assertTrue(gpt2.out().contains("magnitude"), gpt2.out());
        assertFalse(gpt2.out().contains("mag-kv"), gpt2.out());
        assertFalse(Files.readString(dir.resolve("gpt2/heads.json")).contains("kv_share"));
    }

    private static CliRun heads(Path out, Path text, String preset) {
        return CliRun.of(
                "heads",
                "-m",
                preset,
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
                out.toString());
    }
}
