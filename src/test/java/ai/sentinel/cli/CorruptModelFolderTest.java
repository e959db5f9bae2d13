package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import ai.sentinel.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder whose files are corrupt or wrong: every command that loads it exits 2 with one
 * line that names the file and the problem (never the native library's or Gson's bare message,
 * never a NaN result with exit 0).
 */
class CorruptModelFolderTest {
    @TempDir static Path dir;
    private static Path text;

    @BeforeAll
    static void writeText() throws IOException {
        text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
    }

    /** A tiny byte-level model folder (vocabulary 256) that loads. */
    private static Path goodFolder(String name) throws IOException {
        Path folder = dir.resolve(name);
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model =
                        ai.sentinel.model.gpt2.Gpt2Model.initialize(
                                ai.sentinel.model.gpt2.Gpt2Config.of(256, 64, 2, 2, 16),
                                manager,
                                1)) {
            ModelFiles.save(model, folder);
        }
        new ByteTokenizer().save(folder);
        return folder;
    }

    private CliRun eval(Path folder) {
        return CliRun.of(
                "eval",
                "-m",
                folder.toString(),
                "--dataset",
                text.toString(),
                "--seq-len",
                "32",
                "--eval-batches",
                "1");
    }

    private static void assertOneLine(CliRun r, String... fragments) {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
        assertTrue(err.startsWith("sentinel: "), err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "'" + f + "' missing from: " + err);
        }
        assertFalse(
                err.contains("setStrictness")
                        || err.contains("https://")
                        || err.contains("Exception"),
                err);
    }

    @Test
    void theGoodFolderLoads() throws IOException {
        CliRun r = eval(goodFolder("good"));
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aTokenizerJsonThatIsNotATokenizerNamesTheFile() throws IOException {
        Path folder = goodFolder("wrong-tokenizer");
        Path tokenizer = folder.resolve("tokenizer.json");
        Files.writeString(tokenizer, "{\"hello\": 1}");
        assertOneLine(
                eval(folder),
                tokenizer.toString(),
                "not a Hugging Face tokenizer.json",
                "\"model\"");
        Files.writeString(tokenizer, "{\"version\": \"1.0\", \"model\": {\"vo");
        assertOneLine(eval(folder), tokenizer.toString(), "line 1, column 33", "invalid JSON");
    }

    @Test
    void aTruncatedTokenizerJsonNamesTheFileLineAndColumn() throws IOException {
        Path folder = goodFolder("truncated-tokenizer");
        Path tokenizer = folder.resolve("tokenizer.json");
        String json = Files.readString(tokenizer);
        Files.writeString(tokenizer, json.substring(0, json.length() / 2));
        assertOneLine(eval(folder), tokenizer.toString(), "line 1, column", "invalid JSON");
    }

    @Test
    void aMalformedConfigJsonGivesFileLineAndColumnWithoutGsonInternals() throws IOException {
        Path folder = goodFolder("bad-config");
        Path config = folder.resolve("config.json");
        Files.writeString(
                config, "{\n  \"model_type\": \"gpt2\",\n  \"n_embd\": 16 \"n_head\": 2\n}");
        assertOneLine(eval(folder), config.toString(), "line 3, column", "invalid JSON");
    }

    @Test
    void aConfigValueOfTheWrongTypeOrRangeNamesTheKey() throws IOException {
        Path folder = goodFolder("typed-config");
        Path config = folder.resolve("config.json");
        String json = Files.readString(config);
        Files.writeString(config, json.replace("\"n_embd\": 16", "\"n_embd\": \"sixteen\""));
        assertOneLine(eval(folder), config.toString(), "n_embd must be a number");
        Files.writeString(
                config, json.replace("\"n_embd\": 16", "\"n_embd\": 4294967312")); // 2^32 + 16
        assertOneLine(
                eval(folder),
                config.toString(),
                "n_embd",
                "out of range: it must be an integer from -2147483648 to 2147483647");
        Files.writeString(
                config,
                json.replace("\"n_embd\": 16", "\"n_embd\": 1000000")
                        .replace("\"n_head\": 2", "\"n_head\": 1"));
        assertOneLine(
                eval(folder), "model.safetensors", "has shape [48] but the config needs [3000000]");
    }

    @Test
    void aNanWeightIsRefusedNamingTheTensor() throws IOException {
        Path folder = goodFolder("nan-weight");
        Path weights = folder.resolve("model.safetensors");
        long offset;
        try (SafetensorsFile file = SafetensorsFile.open(weights)) {
            offset =
                    dataStart(weights)
                            + file.entry("transformer.h.1.attn.c_attn.weight").begin()
                            + 4 * 5;
        }
        poke(weights, offset, Float.NaN);
        assertOneLine(
                eval(folder),
                weights.toString(),
                "transformer.h.1.attn.c_attn.weight",
                "NaN",
                "element 5");
        CliRun generate =
                CliRun.of(
                        "generate",
                        "-m",
                        folder.toString(),
                        "--prompt",
                        "a",
                        "--max-new-tokens",
                        "3");
        assertOneLine(generate, "transformer.h.1.attn.c_attn.weight");
        poke(weights, offset, Float.NEGATIVE_INFINITY);
        assertOneLine(eval(folder), "-Infinity");
    }

    private static long dataStart(Path safetensors) throws IOException {
        try (FileChannel channel = FileChannel.open(safetensors)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            return 8 + length.getLong(0);
        }
    }

    private static void poke(Path file, long offset, float value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer bytes =
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, value);
            channel.write(bytes, offset);
        }
    }
}
