package ai.sentinel.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.io.Json;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * config.json keys of Llama, Qwen2 and Mistral: defaults, legacy keys, round trips, and clear
 * refusals.
 */
class LlamaConfigTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    private static LlamaConfig golden(String folder) throws Exception {
        return LlamaConfig.fromHfJson(
                Json.readObject(GOLDEN.resolve(folder).resolve("config.json")));
    }

    @Test
    void theSmolLm2PresetHasItsPublishedShape() {
        LlamaConfig c = LlamaPreset.SMOLLM2_135M.config(49152, null, null, null);
        assertEquals(30, c.numLayers());
        assertEquals(9, c.numHeads());
        assertEquals(3, c.numKvHeads());
        assertEquals(576, c.width());
        assertEquals(64, c.headDim());
        assertEquals(1536, c.innerWidth());
        assertEquals(100000, c.ropeTheta());
        assertEquals(1e-5f, c.rmsNormEps());
        assertTrue(c.tieWordEmbeddings());
        long weights =
                LlamaWeights.expectedShapes(c).values().stream()
                        .mapToLong(ai.sentinel.io.TensorData::numElements)
                        .sum();
        assertEquals(134_515_008L, weights, "SmolLM2-135M's parameter count");
        LlamaConfig nano = LlamaPreset.LLAMA_NANO.config(256, null, null, 64);
        assertEquals(4 * 64, nano.innerWidth(), "the nano preset keeps its 4x MLP");
    }

    @Test
    void theReferenceConfigsParseWithHfDefaults() throws Exception {
        LlamaConfig gqa = golden("llama-tiny-gqa-llama3");
        assertEquals(2, gqa.numKvHeads());
        assertEquals(16, gqa.headDim());
        assertEquals(LlamaRopeScaling.Type.LLAMA3, gqa.ropeScaling().type());
        assertFalse(gqa.tieWordEmbeddings());
        LlamaConfig qwen = golden("qwen2-tiny-tied");
        assertEquals(LlamaVariant.QWEN2, qwen.variant());
        assertEquals(new LlamaConfig.Biases(true, false, false), qwen.biases());
        assertEquals(8, qwen.headDim());
        assertEquals(3, qwen.headsPerGroup());
        LlamaConfig mha = golden("llama-tiny-mha-bias-linear");
        assertEquals(4, mha.numKvHeads(), "num_key_value_heads defaults to num_attention_heads");
        assertEquals(
                new LlamaRopeScaling(LlamaRopeScaling.Type.LINEAR, 2, 0, 0, 0),
                mha.ropeScaling(),
                "the legacy 'type' key");
        assertEquals(new LlamaConfig.Biases(true, true, true), mha.biases());
    }

    @Test
    void writtenConfigsReadBackEqualIncludingRemovedHeads() throws Exception {
        for (String folder :
                new String[] {
                    "llama-tiny-gqa-llama3", "qwen2-tiny-tied", "llama-tiny-mha-bias-linear"
                }) {
            LlamaConfig config = golden(folder);
            assertEquals(config, LlamaConfig.fromHfJson(config.toHfJson()), folder);
            LlamaConfig pruned = config.withPrunedHeads(Map.of(1, Set.of(0, 3)));
            JsonObject json = pruned.toHfJson();
            assertTrue(json.has(LlamaConfig.PRUNED_HEADS_KEY));
            assertEquals(pruned, LlamaConfig.fromHfJson(json), folder + " with removed heads");
        }
    }

    @Test
    void llama3EndOfTextListsAndTransformersV5RopeParametersAreRead() throws Exception {
        JsonObject base = LlamaConfig.of(99, 64, 2, 4, 2, 32).toHfJson();
        assertEquals(2, LlamaConfig.fromHfJson(with(base, "eos_token_id", "[2, 7]")).eosTokenId());
        JsonObject v5 =
                with(
                        base,
                        "rope_parameters",
                        "{\"rope_type\": \"linear\", \"rope_theta\": 500.0, " + "\"factor\": 2.0}");
        v5.remove("rope_theta");
        v5.remove("rope_scaling");
        LlamaConfig parsed = LlamaConfig.fromHfJson(v5);
        assertEquals(500.0, parsed.ropeTheta());
        assertEquals(LlamaRopeScaling.Type.LINEAR, parsed.ropeScaling().type());
    }

    @Test
    void unsupportedFeaturesAreRefusedNamingTheKey() throws Exception {
        JsonObject base = LlamaConfig.of(99, 64, 2, 4, 2, 32).toHfJson();
        assertRefused(with(base, "hidden_act", "\"gelu\""), "hidden_act");
        assertRefused(
                with(base, "rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4}"),
                "rope_scaling");
        assertRefused(with(base, "num_key_value_heads", "3"), "num_key_value_heads");
        assertRefused(
                with(base, "architectures", "[\"LlamaForSequenceClassification\"]"),
                "architectures");
        JsonObject mistral =
                with(
                        with(base, "model_type", "\"mistral\""),
                        "architectures",
                        "[\"MistralForCausalLM\"]");
        assertRefused(with(mistral, "sliding_window", "16"), "sliding_window");
        assertEquals(
                LlamaVariant.MISTRAL,
                LlamaConfig.fromHfJson(with(mistral, "sliding_window", "null")).variant());
        JsonObject longMistral = with(mistral, "max_position_embeddings", "32768");
        longMistral.remove("sliding_window");
        assertRefused(longMistral, "sliding_window"); // HF's MistralConfig defaults it to 4096
        LlamaConfig written = LlamaConfig.fromHfJson(with(longMistral, "sliding_window", "null"));
        assertEquals(
                written,
                LlamaConfig.fromHfJson(written.toHfJson()),
                "written with an explicit null window");
        assertEquals(
                LlamaVariant.MISTRAL,
                LlamaConfig.fromHfJson(with(mistral, "sliding_window", "4096")).variant(),
                "a window as long as the context is never in use");
        JsonObject qwen =
                with(
                        with(base, "model_type", "\"qwen2\""),
                        "architectures",
                        "[\"Qwen2ForCausalLM\"]");
        qwen = with(qwen, "sliding_window", "16");
        assertEquals(
                LlamaVariant.QWEN2,
                LlamaConfig.fromHfJson(qwen).variant(),
                "use_sliding_window is off");
        assertRefused(with(qwen, "use_sliding_window", "true"), "sliding_window");
    }

    private static JsonObject with(JsonObject json, String key, String value) {
        JsonObject copy = json.deepCopy();
        copy.add(key, com.google.gson.JsonParser.parseString(value));
        return copy;
    }

    private static void assertRefused(JsonObject json, String key) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromHfJson(json));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
