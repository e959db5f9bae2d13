package ai.sentinel.model.opt;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import ai.sentinel.model.ModelConfig;
import ai.sentinel.model.RemovedHeads;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Map;
import java.util.Set;

/**
 * OPT hyperparameters, as in a Hugging Face {@code config.json} of {@code model_type} "opt"
 * (OPT-125m … OPT-66b).
 *
 * @param width the residual width ({@code hidden_size})
 * @param ffnWidth the MLP's hidden width ({@code ffn_dim})
 * @param embedWidth the token embedding's width ({@code word_embed_proj_dim}); when it differs from
 *     {@code width} the decoder has {@code project_in} and {@code project_out} (OPT-350m)
 * @param layerNormBefore pre-LayerNorm blocks ({@code do_layer_norm_before}; false in OPT-350m)
 * @param removeFinalLayerNorm {@code _remove_final_layer_norm}: the decoder-level LayerNorm is
 *     dropped even pre-LN
 * @param bosTokenId begin-of-sequence id (OPT's tokenizer prepends it), or −1 when none
 * @param prunedHeads heads physically removed per layer, by original index. Hugging Face's OPT has
 *     no {@code pruned_heads}: this is written under {@value #PRUNED_HEADS_KEY}, which HF ignores,
 *     so a compressed OPT folder loads in Sentinel only (HF would see per-head shapes it does not
 *     expect).
 */
public record OptConfig(
        int vocabSize,
        int maxPositions,
        int numLayers,
        int numHeads,
        int width,
        int ffnWidth,
        int embedWidth,
        boolean layerNormBefore,
        boolean removeFinalLayerNorm,
        int bosTokenId,
        int eosTokenId,
        int padTokenId,
        Map<Integer, Set<Integer>> prunedHeads)
        implements ModelConfig {
    /** OPT's learned positions start at row 2 (fairseq reserved rows 0 and 1 for padding). */
    public static final int POSITION_OFFSET = 2;

    /** HF's OPT does not read its LayerNorm epsilon from the config. */
    public static final float LAYER_NORM_EPS = 1e-5f;

    /** The vocabulary size of the released OPT checkpoints (config.json vocab_size). */
    public static final int OPT_VOCAB_SIZE = 50272;

    static final String PRUNED_HEADS_KEY = RemovedHeads.SENTINEL_KEY;
    private static final String ARCHITECTURE = "OPTForCausalLM";

    public OptConfig {
        require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
        require(maxPositions > 0, "max_position_embeddings must be > 0, got " + maxPositions);
        require(numLayers > 0, "num_hidden_layers must be > 0, got " + numLayers);
        require(numHeads > 0, "num_attention_heads must be > 0, got " + numHeads);
        require(
                width > 0 && width % numHeads == 0,
                "hidden_size "
                        + width
                        + " must be a positive multiple of num_attention_heads "
                        + numHeads);
        require(ffnWidth > 0, "ffn_dim must be > 0, got " + ffnWidth);
        require(embedWidth > 0, "word_embed_proj_dim must be > 0, got " + embedWidth);
        requireToken("bos_token_id", bosTokenId, vocabSize);
        requireToken("eos_token_id", eosTokenId, vocabSize);
        requireToken("pad_token_id", padTokenId, vocabSize);
        prunedHeads = RemovedHeads.checked(prunedHeads, numLayers, numHeads, PRUNED_HEADS_KEY);
    }

    /**
     * A pre-LN config with OPT's defaults for everything but the shape (ffn 4 × width); the special
     * ids of OPT's tokenizer (bos = eos = 2, pad = 1) only with its vocabulary of {@value
     * #OPT_VOCAB_SIZE}, none otherwise.
     */
    public static OptConfig of(
            int vocabSize, int maxPositions, int numLayers, int numHeads, int width) {
        boolean optVocab = vocabSize == OPT_VOCAB_SIZE;
        return new OptConfig(
                vocabSize,
                maxPositions,
                numLayers,
                numHeads,
                width,
                4 * width,
                width,
                true,
                false,
                optVocab ? 2 : -1,
                optVocab ? 2 : -1,
                optVocab ? 1 : -1,
                Map.of());
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

    /** Whether {@code project_in} and {@code project_out} exist. */
    public boolean projectsEmbeddings() {
        return embedWidth != width;
    }

    /** Whether the decoder ends with {@code final_layer_norm} (pre-LN and not removed). */
    public boolean hasFinalLayerNorm() {
        return layerNormBefore && !removeFinalLayerNorm;
    }

    /** This config with other heads removed. */
    OptConfig withPrunedHeads(Map<Integer, Set<Integer>> pruned) {
        return new OptConfig(
                vocabSize,
                maxPositions,
                numLayers,
                numHeads,
                width,
                ffnWidth,
                embedWidth,
                layerNormBefore,
                removeFinalLayerNorm,
                bosTokenId,
                eosTokenId,
                padTokenId,
                pruned);
    }

    /** This config with another shape (a preset with overrides). */
    OptConfig reshaped(int layers, int heads, int newWidth) {
        return new OptConfig(
                vocabSize,
                maxPositions,
                layers,
                heads,
                newWidth,
                4 * newWidth,
                newWidth,
                layerNormBefore,
                removeFinalLayerNorm,
                bosTokenId,
                eosTokenId,
                padTokenId,
                Map.of());
    }

    /**
     * Parses a HF config.json; wrong types, unsupported variants and out-of-range values are errors
     * naming the key.
     */
    public static OptConfig fromHfJson(JsonObject json) {
        String type = JsonFields.optString(json, "model_type", "opt");
        require(type.equals("opt"), "model_type " + Json.quote(type) + " is not an OPT model");
        requireArchitecture(json);
        String activation = JsonFields.optString(json, "activation_function", "relu");
        require(
                activation.equals("relu"),
                "activation_function "
                        + Json.quote(activation)
                        + " is not supported for OPT (accepted: relu)");
        requireTrue(json, "enable_bias");
        requireTrue(json, "layer_norm_elementwise_affine");
        requireTrue(
                json,
                "tie_word_embeddings"); // the unembedding is embed_tokens; lm_head.weight is never
        // read
        int width = JsonFields.requireInt(json, "hidden_size");
        return new OptConfig(
                JsonFields.requireInt(json, "vocab_size"),
                JsonFields.requireInt(json, "max_position_embeddings"),
                JsonFields.requireInt(json, "num_hidden_layers"),
                JsonFields.requireInt(json, "num_attention_heads"),
                width,
                JsonFields.requireInt(json, "ffn_dim"),
                JsonFields.optInt(json, "word_embed_proj_dim", width),
                optBoolean(json, "do_layer_norm_before", true),
                optBoolean(json, "_remove_final_layer_norm", false),
                JsonFields.optInt(json, "bos_token_id", -1),
                JsonFields.optInt(json, "eos_token_id", -1),
                JsonFields.optInt(json, "pad_token_id", -1),
                RemovedHeads.parse(json.get(PRUNED_HEADS_KEY), PRUNED_HEADS_KEY));
    }

    /**
     * A complete HF config.json for this model (loads with {@code OPTForCausalLM.from_pretrained}
     * when unpruned).
     */
    public JsonObject toHfJson() {
        JsonObject json = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add(new JsonPrimitive(ARCHITECTURE));
        json.add("architectures", architectures);
        json.addProperty("model_type", "opt");
        json.addProperty("vocab_size", vocabSize);
        json.addProperty("max_position_embeddings", maxPositions);
        json.addProperty("hidden_size", width);
        json.addProperty("ffn_dim", ffnWidth);
        json.addProperty("word_embed_proj_dim", embedWidth);
        json.addProperty("num_hidden_layers", numLayers);
        json.addProperty("num_attention_heads", numHeads);
        json.addProperty("activation_function", "relu");
        json.addProperty("do_layer_norm_before", layerNormBefore);
        json.addProperty("_remove_final_layer_norm", removeFinalLayerNorm);
        json.addProperty("enable_bias", true);
        json.addProperty("layer_norm_elementwise_affine", true);
        json.addProperty("init_std", 0.02);
        json.addProperty("dropout", 0.0);
        json.addProperty("attention_dropout", 0.0);
        json.addProperty("activation_dropout", 0.0);
        json.addProperty("layerdrop", 0.0);
        json.addProperty("tie_word_embeddings", true);
        addToken(json, "bos_token_id", bosTokenId);
        addToken(json, "eos_token_id", eosTokenId);
        addToken(json, "pad_token_id", padTokenId);
        if (!prunedHeads.isEmpty()) {
            json.add(PRUNED_HEADS_KEY, RemovedHeads.toJson(prunedHeads));
        }
        return json;
    }

    private static void addToken(JsonObject json, String key, int id) {
        if (id >= 0) {
            json.addProperty(key, id);
        }
    }

    private static void requireArchitecture(JsonObject json) {
        if (!JsonFields.has(json, "architectures")) {
            return;
        }
        for (JsonElement e : JsonFields.asArray(json.get("architectures"), "architectures")) {
            if (JsonFields.asString(e, "an entry of architectures").equals(ARCHITECTURE)) {
                return;
            }
        }
        throw new IllegalArgumentException(
                "architectures "
                        + json.get("architectures")
                        + " does not list "
                        + ARCHITECTURE
                        + "; only OPT causal language models are supported");
    }

    private static void requireTrue(JsonObject json, String key) {
        require(
                optBoolean(json, key, true),
                key + " = false is not supported for OPT (every released OPT has true)");
    }

    private static boolean optBoolean(JsonObject json, String key, boolean fallback) {
        return JsonFields.has(json, key) ? JsonFields.asBoolean(json.get(key), key) : fallback;
    }

    private static void requireToken(String key, int id, int vocabSize) {
        require(
                id >= -1 && id < vocabSize,
                key + " " + id + " is outside the vocabulary of " + vocabSize);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
