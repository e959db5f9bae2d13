package ai.sentinel.model.opt;

import static ai.sentinel.testing.Tensors.assertBitIdentical;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.sentinel.io.Json;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.TensorData;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.Parameter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPT's config.json and tensor names: the shapes checked before allocation are those of the model
 * then allocated, older checkpoints' names load, and unsupported variants, wrong shapes and
 * non-finite weights are refused by name.
 */
class OptWeightsTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/opt-tiny-post-proj");

    @Test
    void expectedShapesMatchTheAllocatedModelInEveryLayout() {
        OptConfig pruned = TinyOpt.PRE.withPrunedHeads(Map.of(0, Set.of(1, 3), 1, Set.of(0)));
        OptConfig noFinalNorm =
                new OptConfig(99, 16, 1, 2, 16, 32, 16, true, true, 2, 2, 1, Map.of());
        try (NDManager manager = NDManager.newBaseManager()) {
            for (OptConfig config :
                    new OptConfig[] {TinyOpt.PRE, TinyOpt.POST_PROJ, pruned, noFinalNorm}) {
                try (OptModel model = OptModel.initialize(config, manager, 1)) {
                    Map<String, Parameter> actual = OptWeights.byHfName(model);
                    Map<String, long[]> expected = OptWeights.expectedShapes(config);
                    assertEquals(expected.keySet(), actual.keySet());
                    actual.forEach(
                            (name, p) ->
                                    assertArrayEquals(
                                            expected.get(name),
                                            p.value().getShape().getShape(),
                                            name));
                }
            }
        }
    }

    @Test
    void configJsonRoundTripsIncludingRemovedHeads() {
        OptConfig pruned = TinyOpt.POST_PROJ.withPrunedHeads(Map.of(1, Set.of(0, 2)));
        for (OptConfig config : new OptConfig[] {TinyOpt.PRE, pruned}) {
            assertEquals(config, OptConfig.fromHfJson(config.toHfJson()));
        }
        assertTrue(pruned.toHfJson().has("sentinel_pruned_heads"));
        assertTrue(
                !TinyOpt.PRE.toHfJson().has("sentinel_pruned_heads"),
                "an unpruned OPT is a plain HF config");
    }

    @Test
    void unsupportedVariantsAreRefusedNamingTheKey() {
        Map<String, UnaryOperator<JsonObject>> edits = new LinkedHashMap<>();
        edits.put("activation_function", j -> with(j, "activation_function", "gelu"));
        edits.put("enable_bias", j -> with(j, "enable_bias", false));
        edits.put(
                "layer_norm_elementwise_affine",
                j -> with(j, "layer_norm_elementwise_affine", false));
        edits.put("tie_word_embeddings", j -> with(j, "tie_word_embeddings", false));
        edits.put(
                "architectures",
                j -> {
                    j.add(
                            "architectures",
                            com.google.gson.JsonParser.parseString(
                                    "[\"OPTForSequenceClassification\"]"));
                    return j;
                });
        edits.put("model_type", j -> with(j, "model_type", "gpt2"));
        edits.put("pad_token_id", j -> with(j, "pad_token_id", 500));
        edits.put(
                "sentinel_pruned_heads",
                j -> {
                    j.add(
                            "sentinel_pruned_heads",
                            com.google.gson.JsonParser.parseString("{\"0\": [0, 1, 2, 3]}"));
                    return j;
                });
        edits.forEach(
                (key, edit) -> {
                    IllegalArgumentException e =
                            assertThrows(
                                    IllegalArgumentException.class,
                                    () -> OptConfig.fromHfJson(edit.apply(TinyOpt.PRE.toHfJson())),
                                    key);
                    assertTrue(e.getMessage().contains(key), key + ": " + e.getMessage());
                });
    }

    private static JsonObject with(JsonObject json, String key, Object value) {
        if (value instanceof String s) {
            json.addProperty(key, s);
        } else if (value instanceof Boolean b) {
            json.addProperty(key, b);
        } else {
            json.addProperty(key, (Number) value);
        }
        return json;
    }

    /**
     * The golden folder with every tensor renamed (or dropped when the renamer returns null) and
     * edited.
     */
    private static Path copyGolden(Path dir, UnaryOperator<String> rename, String nanIn)
            throws IOException {
        Files.createDirectories(dir);
        Files.copy(GOLDEN.resolve("config.json"), dir.resolve("config.json"));
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(GOLDEN.resolve("model.safetensors"))) {
            for (String name : file.entries().keySet()) {
                float[] values = file.readFloats(name);
                if (name.equals(nanIn)) {
                    values[3] = Float.NaN;
                }
                tensors.put(
                        rename.apply(name), TensorData.ofFloats(values, file.entry(name).shape()));
            }
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        return dir;
    }

    @Test
    void savingAHuggingFaceFolderWritesItsTensorsAndArchitectureKeysBack(@TempDir Path dir)
            throws Exception {
        for (String folder : new String[] {"opt-tiny-pre", "opt-tiny-post-proj"}) {
            Path golden = GOLDEN.resolveSibling(folder);
            try (NDManager manager = NDManager.newBaseManager();
                    CausalLm model = ModelFiles.load(golden, manager)) {
                ModelFiles.save(model, dir.resolve(folder));
            }
            try (SafetensorsFile original =
                            SafetensorsFile.open(golden.resolve("model.safetensors"));
                    SafetensorsFile saved =
                            SafetensorsFile.open(
                                    dir.resolve(folder).resolve("model.safetensors"))) {
                assertEquals(original.entries().keySet(), saved.entries().keySet(), folder);
                for (String name : original.entries().keySet()) {
                    assertBitIdentical(
                            original.readFloats(name), saved.readFloats(name), folder + " " + name);
                }
            }
            JsonObject original = Json.readObject(golden.resolve("config.json"));
            JsonObject saved = Json.readObject(dir.resolve(folder).resolve("config.json"));
            for (String key : original.keySet()) {
                if (!key.equals("torch_dtype") && !key.equals("use_cache")) {
                    assertEquals(original.get(key), saved.get(key), folder + " config.json " + key);
                }
            }
        }
    }

    @Test
    void olderCheckpointsWithoutTheModelPrefixLoadToTheSameLogits(@TempDir Path dir)
            throws Exception {
        Path legacy = copyGolden(dir.resolve("legacy"), n -> n.replaceFirst("^model\\.", ""), null);
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm a = ModelFiles.load(GOLDEN, manager);
                CausalLm b = ModelFiles.load(legacy, manager);
                NDScope scope = new NDScope()) {
            var ids = TinyOpt.tokens(manager, 4, 1, 8);
            assertBitIdentical(
                    floats(a.forward(ids, AttentionProbe.NONE)),
                    floats(b.forward(ids, AttentionProbe.NONE)),
                    "legacy names");
        }
    }

    @Test
    void wrongShapesMissingTensorsAndNonFiniteWeightsAreRefused(@TempDir Path dir)
            throws Exception {
        Path wide = copyGolden(dir.resolve("wide"), n -> n, null);
        JsonObject config = Json.readObject(wide.resolve("config.json"));
        config.addProperty("ffn_dim", 96);
        Json.write(wide.resolve("config.json"), config);
        Path missing =
                copyGolden(
                        dir.resolve("missing"),
                        n -> n.endsWith("project_out.weight") ? "model.decoder.unused.weight" : n,
                        null);
        Path nan = copyGolden(dir.resolve("nan"), n -> n, "model.decoder.layers.1.fc2.weight");
        try (NDManager manager = NDManager.newBaseManager()) {
            IOException shape =
                    assertThrows(IOException.class, () -> ModelFiles.load(wide, manager));
            assertTrue(
                    shape.getMessage().contains("layers.0.fc1.")
                            && shape.getMessage().contains("but the config needs [96"),
                    shape.getMessage());
            IOException absent =
                    assertThrows(IOException.class, () -> ModelFiles.load(missing, manager));
            assertTrue(
                    absent.getMessage().contains("missing [\"model.decoder.project_out.weight\"]"),
                    absent.getMessage());
            IOException finite =
                    assertThrows(IOException.class, () -> ModelFiles.load(nan, manager));
            assertTrue(
                    finite.getMessage().contains("layers.1.fc2.weight")
                            && finite.getMessage().contains("NaN"),
                    finite.getMessage());
        }
    }
}
