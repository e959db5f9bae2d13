package ai.sentinel.model;

import static ai.sentinel.testing.Tensors.assertBitIdentical;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.io.Json;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.testing.TinyModels;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void saveThenLoadGivesBitIdenticalLogitsGatesAndMask(@TempDir Path dir) throws IOException {
        try (CausalLm model = TinyModels.tinyWithStrongWeights(manager, 3, DataType.FLOAT32)) {
            model.gates().setMasked(new HeadId(0, 3), true);
            model.gates().setGate(new HeadId(1, 1), 0.37f);
            ModelFiles.save(model, dir);
            try (CausalLm loaded = ModelFiles.load(dir, manager);
                    NDScope scope = new NDScope()) {
                NDArray tokens = TinyModels.tokens(manager, 1, 2, 16, 99);
                assertBitIdentical(
                        floats(model.forward(tokens, AttentionProbe.NONE)),
                        floats(loaded.forward(tokens, AttentionProbe.NONE)),
                        "logits after save and load");
                assertArrayEquals(model.gates().gateValues(), loaded.gates().gateValues());
                assertArrayEquals(model.gates().maskValues(), loaded.gates().maskValues());
                assertTrue(loaded.gates().isMasked(new HeadId(0, 3)));
            }
        }
    }

    @Test
    void aHeadsSidecarThatIsABrokenLinkIsRefusedNotTakenForAbsent(@TempDir Path dir)
            throws IOException {
        try (CausalLm model = TinyModels.tiny(manager, 1)) {
            model.gates().setMasked(new HeadId(0, 3), true);
            ModelFiles.save(model, dir);
        }
        Path heads = dir.resolve(ModelFiles.HEADS_FILE);
        Files.delete(heads);
        Files.createSymbolicLink(heads, dir.resolve("gone.safetensors"));
        IOException e = assertThrows(IOException.class, () -> ModelFiles.load(dir, manager));
        assertTrue(
                e.getMessage().startsWith(heads + " is a broken link to"),
                "loading with every head open would undo the pruning: " + e.getMessage());
    }

    @Test
    void savedFolderHasGpt2TensorNamesShapesAndConfig(@TempDir Path dir) throws IOException {
        try (CausalLm model = TinyModels.tiny(manager, 1)) {
            ModelFiles.save(model, dir);
        }
        int C = 32;
        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("transformer.wte.weight", new long[] {99, C});
        expected.put("transformer.wpe.weight", new long[] {64, C});
        for (int i = 0; i < 2; i++) {
            String h = "transformer.h." + i + ".";
            expected.put(h + "ln_1.weight", new long[] {C});
            expected.put(h + "ln_1.bias", new long[] {C});
            expected.put(h + "attn.c_attn.weight", new long[] {C, 3 * C}); // Conv1D: input × output
            expected.put(h + "attn.c_attn.bias", new long[] {3 * C});
            expected.put(h + "attn.c_proj.weight", new long[] {C, C});
            expected.put(h + "attn.c_proj.bias", new long[] {C});
            expected.put(h + "ln_2.weight", new long[] {C});
            expected.put(h + "ln_2.bias", new long[] {C});
            expected.put(h + "mlp.c_fc.weight", new long[] {C, 4 * C});
            expected.put(h + "mlp.c_fc.bias", new long[] {4 * C});
            expected.put(h + "mlp.c_proj.weight", new long[] {4 * C, C});
            expected.put(h + "mlp.c_proj.bias", new long[] {C});
        }
        expected.put("transformer.ln_f.weight", new long[] {C});
        expected.put("transformer.ln_f.bias", new long[] {C});
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve(ModelFiles.WEIGHTS_FILE))) {
            assertEquals(expected.keySet(), file.entries().keySet());
            expected.forEach(
                    (name, shape) ->
                            assertTrue(
                                    Arrays.equals(shape, file.entries().get(name).shape()),
                                    name
                                            + " has shape "
                                            + Arrays.toString(file.entries().get(name).shape())));
            assertEquals("pt", file.metadata().get("format"));
        }
        JsonObject config = Json.readObject(dir.resolve(ModelFiles.CONFIG_FILE));
        assertEquals("gpt2", config.get("model_type").getAsString());
        assertEquals(
                "GPT2LMHeadModel", config.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals(32, config.get("n_embd").getAsInt());
        assertEquals(4, config.get("n_head").getAsInt());
    }

    @Test
    void loadsCheckpointsWithoutPrefixAndWithHfBuffers(@TempDir Path dir) throws IOException {
        // The original GPT-2 release names tensors "h.0.attn.c_attn.weight" and stores
        // "h.0.attn.bias" buffers.
        Path golden = Path.of("src/test/resources/golden/gpt2-tiny");
        Files.copy(golden.resolve("config.json"), dir.resolve("config.json"));
        Map<String, ai.sentinel.io.TensorData> renamed = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(golden.resolve("model.safetensors"))) {
            for (var e : file.entries().values()) {
                renamed.put(
                        e.name().replace("transformer.", ""),
                        ai.sentinel.io.TensorData.ofFloats(file.readFloats(e.name()), e.shape()));
            }
        }
        renamed.put(
                "h.0.attn.bias",
                ai.sentinel.io.TensorData.ofFloats(new float[64 * 64], 1, 1, 64, 64));
        ai.sentinel.io.SafetensorsWriter.write(
                dir.resolve("model.safetensors"), renamed, Map.of("format", "pt"));
        try (CausalLm plain = ModelFiles.load(dir, manager);
                CausalLm prefixed = ModelFiles.load(golden, manager);
                NDScope scope = new NDScope()) {
            NDArray tokens = TinyModels.tokens(manager, 1, 1, 8, 99);
            assertBitIdentical(
                    floats(prefixed.forward(tokens, AttentionProbe.NONE)),
                    floats(plain.forward(tokens, AttentionProbe.NONE)),
                    "logits");
        }
    }

    @Test
    void missingOrMisshapenTensorsAreNamedInTheError(@TempDir Path dir) throws IOException {
        Path golden = Path.of("src/test/resources/golden/gpt2-tiny");
        Files.copy(golden.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        JsonObject config = Json.readObject(golden.resolve("config.json"));
        config.addProperty("n_layer", 3);
        Json.write(dir.resolve("config.json"), config);
        IOException missing = assertThrows(IOException.class, () -> ModelFiles.load(dir, manager));
        assertTrue(
                missing.getMessage().contains("missing [\"transformer.h.2."), missing.getMessage());
        config.addProperty("n_layer", 2);
        config.addProperty("n_embd", 64);
        Json.write(dir.resolve("config.json"), config);
        IOException shape = assertThrows(IOException.class, () -> ModelFiles.load(dir, manager));
        assertTrue(
                shape.getMessage().contains("has shape") && shape.getMessage().contains("needs"),
                shape.getMessage());
        IOException noFolder =
                assertThrows(
                        IOException.class, () -> ModelFiles.load(dir.resolve("nope"), manager));
        assertTrue(noFolder.getMessage().contains("does not exist"));
    }
}
