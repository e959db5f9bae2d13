package ai.sentinel.model.llama;

import static ai.sentinel.model.llama.LlamaConfig.require;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import ai.sentinel.model.RemovedHeads;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Reads a Llama, Qwen2 or Mistral {@code config.json} into a {@link LlamaConfig}, key by key, with
 * HF's defaults. A key that would change the computation in a way we do not implement is refused
 * with its name.
 */
final class LlamaConfigJson {
    private static final int MISTRAL_DEFAULT_WINDOW = 4096;

    private LlamaConfigJson() {}

    static LlamaConfig parse(JsonObject json) {
        LlamaVariant variant = LlamaVariant.of(JsonFields.requireString(json, "model_type"));
        checkArchitectures(json, variant);
        String act = JsonFields.optString(json, "hidden_act", "silu");
        require(
                act.equals("silu"),
                "hidden_act "
                        + Json.quote(act)
                        + " is not supported (only silu, as in "
                        + "Llama's SwiGLU)");
        int maxPositions = JsonFields.requireInt(json, "max_position_embeddings");
        refuseSlidingWindow(json, variant, maxPositions);
        int width = JsonFields.requireInt(json, "hidden_size");
        int heads = JsonFields.requireInt(json, "num_attention_heads");
        require(heads > 0, "num_attention_heads must be > 0, got " + heads);
        require(
                JsonFields.has(json, "head_dim") || width % heads == 0,
                "hidden_size "
                        + width
                        + " is not a multiple of num_attention_heads "
                        + heads
                        + " and no head_dim is given");
        double eps = JsonFields.optDouble(json, "rms_norm_eps", 1e-6);
        require(eps > 0 && eps < 1, "rms_norm_eps must be in (0, 1), got " + eps);
        JsonObject rope =
                JsonFields.has(json, "rope_parameters") // transformers v5 moves both keys here
                        ? JsonFields.asObject(json.get("rope_parameters"), "rope_parameters")
                        : json;
        return new LlamaConfig(
                variant,
                JsonFields.requireInt(json, "vocab_size"),
                maxPositions,
                JsonFields.requireInt(json, "num_hidden_layers"),
                heads,
                JsonFields.optInt(json, "num_key_value_heads", heads),
                width,
                JsonFields.optInt(json, "head_dim", width / heads),
                JsonFields.requireInt(json, "intermediate_size"),
                (float) eps,
                JsonFields.optDouble(rope, "rope_theta", 10000),
                LlamaRopeScaling.fromHfJson(rope == json ? json.get("rope_scaling") : rope),
                optBoolean(json, "tie_word_embeddings", false),
                biases(json, variant),
                RemovedHeads.parse(
                        json.get(LlamaConfig.PRUNED_HEADS_KEY), LlamaConfig.PRUNED_HEADS_KEY),
                tokenId(json, "bos_token_id"),
                tokenId(json, "eos_token_id"));
    }

    private static void checkArchitectures(JsonObject json, LlamaVariant variant) {
        if (!JsonFields.has(json, "architectures")) {
            return;
        }
        JsonArray list = JsonFields.asArray(json.get("architectures"), "architectures");
        for (JsonElement e : list) {
            String name = JsonFields.asString(e, "architectures");
            require(
                    name.equals(variant.architecture()),
                    "architectures lists "
                            + Json.quote(name)
                            + "; a "
                            + variant.modelType()
                            + " config is read as "
                            + variant.architecture()
                            + " only");
        }
    }

    /**
     * Mistral and Qwen2 may attend within a sliding window; a window shorter than the context
     * changes the model. An explicit null means none; HF's {@code MistralConfig} defaults an absent
     * key to 4096.
     */
    private static void refuseSlidingWindow(
            JsonObject json, LlamaVariant variant, int maxPositions) {
        boolean absent = !json.has("sliding_window");
        if (variant == LlamaVariant.LLAMA
                || !absent && json.get("sliding_window").isJsonNull()
                || absent && variant != LlamaVariant.MISTRAL) {
            return;
        }
        boolean enabled =
                variant == LlamaVariant.MISTRAL || optBoolean(json, "use_sliding_window", false);
        int window =
                absent
                        ? MISTRAL_DEFAULT_WINDOW
                        : JsonFields.asInt(json.get("sliding_window"), "sliding_window");
        require(
                !enabled || window >= maxPositions,
                "sliding_window "
                        + window
                        + " is in use (shorter than "
                        + "max_position_embeddings "
                        + maxPositions
                        + "); sliding-window attention is not supported");
    }

    private static LlamaConfig.Biases biases(JsonObject json, LlamaVariant variant) {
        return switch (variant) {
            case QWEN2 ->
                    new LlamaConfig.Biases(true, false, false); // HF Qwen2Attention: q, k, v only
            case MISTRAL -> new LlamaConfig.Biases(false, false, false);
            case LLAMA -> {
                boolean attention = optBoolean(json, "attention_bias", false);
                yield new LlamaConfig.Biases(
                        attention, attention, optBoolean(json, "mlp_bias", false));
            }
        };
    }

    private static boolean optBoolean(JsonObject json, String key, boolean fallback) {
        return JsonFields.has(json, key) ? JsonFields.asBoolean(json.get(key), key) : fallback;
    }

    /**
     * A token id, −1 when absent; Llama 3 lists several end-of-text ids, of which the first is
     * kept.
     */
    private static int tokenId(JsonObject json, String key) {
        if (!JsonFields.has(json, key)) {
            return -1;
        }
        JsonElement e = json.get(key);
        if (e.isJsonArray()) {
            JsonArray list = e.getAsJsonArray();
            return list.isEmpty() ? -1 : JsonFields.asInt(list.get(0), key + "[0]");
        }
        return JsonFields.asInt(e, key);
    }
}
