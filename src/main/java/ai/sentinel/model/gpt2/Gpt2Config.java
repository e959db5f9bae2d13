package ai.sentinel.model.gpt2;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import ai.sentinel.model.ModelConfig;
import ai.sentinel.model.RemovedHeads;
import ai.sentinel.nn.Activation;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GPT-2 hyperparameters, as in a Hugging Face {@code config.json} of {@code model_type} "gpt2".
 *
 * @param innerWidth the MLP's hidden width ({@code n_inner}, default 4 × width)
 * @param prunedHeads heads physically removed per layer ({@code pruned_heads}), by original index
 * @param eosTokenId end-of-text id, or −1 when the vocabulary has none
 */
public record Gpt2Config(
        int vocabSize,
        int maxPositions,
        int numLayers,
        int numHeads,
        int width,
        int innerWidth,
        float layerNormEps,
        Activation activation,
        Map<Integer, Set<Integer>> prunedHeads,
        int eosTokenId)
        implements ModelConfig {

    /**
     * Keys that would change the computation if set away from GPT-2's defaults; we refuse those.
     */
    private static final Map<String, Object> UNSUPPORTED_UNLESS_DEFAULT =
            Map.of(
                    "scale_attn_weights", true,
                    "scale_attn_by_inverse_layer_idx", false,
                    "reorder_and_upcast_attn", false,
                    "add_cross_attention", false);

    public Gpt2Config {
        require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
        require(maxPositions > 0, "n_positions must be > 0, got " + maxPositions);
        require(numLayers > 0, "n_layer must be > 0, got " + numLayers);
        require(numHeads > 0, "n_head must be > 0, got " + numHeads);
        require(
                width > 0 && width % numHeads == 0,
                "n_embd " + width + " must be a positive multiple of n_head " + numHeads);
        require(innerWidth > 0, "n_inner must be > 0, got " + innerWidth);
        require(layerNormEps > 0, "layer_norm_epsilon must be > 0, got " + layerNormEps);
        require(
                eosTokenId >= -1 && eosTokenId < vocabSize,
                "eos_token_id " + eosTokenId + " is outside the vocabulary of " + vocabSize);
        prunedHeads = RemovedHeads.checked(prunedHeads, numLayers, numHeads, "pruned_heads");
    }

    /** A config with GPT-2's defaults for everything but the shape. */
    public static Gpt2Config of(
            int vocabSize, int maxPositions, int numLayers, int numHeads, int width) {
        return new Gpt2Config(
                vocabSize,
                maxPositions,
                numLayers,
                numHeads,
                width,
                4 * width,
                1e-5f,
                Activation.GELU_TANH,
                Map.of(),
                vocabSize == 50257 ? 50256 : -1);
    }

    @Override
    public int headDim() {
        return width / numHeads;
    }

    @Override
    public int numHeadsPresent(int layer) {
        return headsPresent(layer).length;
    }

    @Override
    public int[] headsPresent(int layer) {
        return RemovedHeads.present(prunedHeads, layer, numHeads);
    }

    /** Parses a HF config.json; wrong types and out-of-range values are errors naming the key. */
    public static Gpt2Config fromHfJson(JsonObject json) {
        String type = JsonFields.optString(json, "model_type", "gpt2");
        require(type.equals("gpt2"), "model_type " + Json.quote(type) + " is not a GPT-2 model");
        for (Map.Entry<String, Object> e : UNSUPPORTED_UNLESS_DEFAULT.entrySet()) {
            if (JsonFields.has(json, e.getKey())
                    && JsonFields.asBoolean(json.get(e.getKey()), e.getKey())
                            != (Boolean) e.getValue()) {
                throw new IllegalArgumentException(
                        "config.json sets "
                                + e.getKey()
                                + " = "
                                + json.get(e.getKey())
                                + "; only "
                                + e.getValue()
                                + " is supported");
            }
        }
        int width = JsonFields.requireInt(json, "n_embd");
        double eps = JsonFields.optDouble(json, "layer_norm_epsilon", 1e-5);
        require(eps > 0 && eps < 1, "layer_norm_epsilon must be in (0, 1), got " + eps);
        return new Gpt2Config(
                JsonFields.requireInt(json, "vocab_size"),
                JsonFields.requireInt(json, "n_positions"),
                JsonFields.requireInt(json, "n_layer"),
                JsonFields.requireInt(json, "n_head"),
                width,
                JsonFields.has(json, "n_inner")
                        ? JsonFields.requireInt(json, "n_inner")
                        : 4 * width,
                (float) eps,
                parseActivation(JsonFields.optString(json, "activation_function", "gelu_new")),
                RemovedHeads.parse(json.get("pruned_heads"), "pruned_heads"),
                JsonFields.optInt(json, "eos_token_id", -1));
    }

    /**
     * A complete HF config.json for this model (loads with {@code
     * GPT2LMHeadModel.from_pretrained}).
     */
    public JsonObject toHfJson() {
        JsonObject json = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add("GPT2LMHeadModel");
        json.add("architectures", architectures);
        json.addProperty("model_type", "gpt2");
        json.addProperty("vocab_size", vocabSize);
        json.addProperty("n_positions", maxPositions);
        json.addProperty("n_ctx", maxPositions);
        json.addProperty("n_embd", width);
        json.addProperty("n_layer", numLayers);
        json.addProperty("n_head", numHeads);
        if (innerWidth != 4 * width) {
            json.addProperty("n_inner", innerWidth);
        }
        json.addProperty("activation_function", hfActivationName(activation));
        json.addProperty("layer_norm_epsilon", layerNormEps);
        json.addProperty("initializer_range", 0.02);
        json.addProperty("resid_pdrop", 0.0);
        json.addProperty("embd_pdrop", 0.0);
        json.addProperty("attn_pdrop", 0.0);
        json.addProperty("tie_word_embeddings", true);
        if (eosTokenId >= 0) {
            json.addProperty("bos_token_id", eosTokenId);
            json.addProperty("eos_token_id", eosTokenId);
        }
        json.add("pruned_heads", RemovedHeads.toJson(prunedHeads));
        return json;
    }

    private static Activation parseActivation(String name) {
        return switch (name) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            case "gelu" -> Activation.GELU;
            case "relu" -> Activation.RELU;
            default ->
                    throw new IllegalArgumentException(
                            "activation_function "
                                    + Json.quote(name)
                                    + " is not supported (accepted: gelu_new, gelu_pytorch_tanh, gelu_fast, gelu, relu)");
        };
    }

    private static String hfActivationName(Activation activation) {
        return switch (activation) {
            case GELU_TANH -> "gelu_new";
            case GELU -> "gelu";
            case RELU -> "relu";
        };
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Heads present per layer, for display. */
    public List<Integer> headsPresentPerLayer() {
        return java.util.stream.IntStream.range(0, numLayers)
                .mapToObj(this::numHeadsPresent)
                .toList();
    }
}
