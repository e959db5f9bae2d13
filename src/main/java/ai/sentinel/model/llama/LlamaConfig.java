package ai.sentinel.model.llama;

import ai.sentinel.model.ModelConfig;
import ai.sentinel.model.RemovedHeads;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Llama-family hyperparameters, as in a Hugging Face {@code config.json} of {@code model_type}
 * llama, qwen2 or mistral (HF {@code LlamaConfig}, {@code Qwen2Config}, {@code MistralConfig}).
 *
 * <p>Heads removed by compressed pruning are kept in {@code prunedHeads} and written under the
 * Sentinel-specific key {@value #PRUNED_HEADS_KEY}: HF Llama configs have no per-layer head counts,
 * so a folder with removed heads loads in Sentinel only (Hugging Face loaders report the smaller
 * tensor shapes).
 *
 * @param numKvHeads key/value groups ({@code num_key_value_heads}); {@code numHeads / numKvHeads}
 *     query heads share each
 * @param innerWidth the SwiGLU MLP's hidden width ({@code intermediate_size})
 * @param biases which projections carry a bias
 * @param prunedHeads query heads physically removed per layer, by original index
 * @param bosTokenId beginning-of-text id, or −1
 * @param eosTokenId end-of-text id (the first, when the config lists several), or −1
 */
public record LlamaConfig(
        LlamaVariant variant,
        int vocabSize,
        int maxPositions,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int width,
        int headDim,
        int innerWidth,
        float rmsNormEps,
        double ropeTheta,
        LlamaRopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        Biases biases,
        Map<Integer, Set<Integer>> prunedHeads,
        int bosTokenId,
        int eosTokenId)
        implements ModelConfig {

    /** The config.json key under which Sentinel records removed heads. */
    public static final String PRUNED_HEADS_KEY = RemovedHeads.SENTINEL_KEY;

    /**
     * @param qkv biases on q_proj, k_proj, v_proj; @param output on o_proj; @param mlp on gate, up
     *     and down
     */
    public record Biases(boolean qkv, boolean output, boolean mlp) {}

    public LlamaConfig {
        require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
        require(maxPositions > 0, "max_position_embeddings must be > 0, got " + maxPositions);
        require(numLayers > 0, "num_hidden_layers must be > 0, got " + numLayers);
        require(numHeads > 0, "num_attention_heads must be > 0, got " + numHeads);
        require(
                numKvHeads > 0 && numHeads % numKvHeads == 0,
                "num_key_value_heads "
                        + numKvHeads
                        + " must divide num_attention_heads "
                        + numHeads);
        require(width > 0, "hidden_size must be > 0, got " + width);
        require(
                headDim > 0 && headDim % 2 == 0,
                "head_dim must be even and > 0 (rotary pairs), got " + headDim);
        require(innerWidth > 0, "intermediate_size must be > 0, got " + innerWidth);
        require(
                rmsNormEps > 0 && rmsNormEps < 1,
                "rms_norm_eps must be in (0, 1), got " + rmsNormEps);
        require(
                ropeTheta > 1 && Double.isFinite(ropeTheta),
                "rope_theta must be > 1, got " + ropeTheta);
        require(
                bosTokenId >= -1 && bosTokenId < vocabSize,
                "bos_token_id " + bosTokenId + " is outside the " + "vocabulary of " + vocabSize);
        require(
                eosTokenId >= -1 && eosTokenId < vocabSize,
                "eos_token_id " + eosTokenId + " is outside the " + "vocabulary of " + vocabSize);
        prunedHeads = RemovedHeads.checked(prunedHeads, numLayers, numHeads, PRUNED_HEADS_KEY);
    }

    /**
     * A Llama config with no biases, no rope scaling, tied embeddings and Llama's defaults
     * otherwise.
     */
    public static LlamaConfig of(
            int vocabSize,
            int maxPositions,
            int numLayers,
            int numHeads,
            int numKvHeads,
            int width) {
        return new LlamaConfig(
                LlamaVariant.LLAMA,
                vocabSize,
                maxPositions,
                numLayers,
                numHeads,
                numKvHeads,
                width,
                width / numHeads,
                4 * width,
                1e-6f,
                10000,
                LlamaRopeScaling.NONE,
                true,
                new Biases(false, false, false),
                Map.of(),
                -1,
                -1);
    }

    /** The same architecture with another set of removed heads. */
    LlamaConfig withPrunedHeads(Map<Integer, Set<Integer>> pruned) {
        return new LlamaConfig(
                variant,
                vocabSize,
                maxPositions,
                numLayers,
                numHeads,
                numKvHeads,
                width,
                headDim,
                innerWidth,
                rmsNormEps,
                ropeTheta,
                ropeScaling,
                tieWordEmbeddings,
                biases,
                pruned,
                bosTokenId,
                eosTokenId);
    }

    /** Query heads per key/value group. */
    public int headsPerGroup() {
        return numHeads / numKvHeads;
    }

    @Override
    public int numHeadsPresent(int layer) {
        return headsPresent(layer).length;
    }

    @Override
    public int[] headsPresent(int layer) {
        return RemovedHeads.present(prunedHeads, layer, numHeads);
    }

    /** The key/value groups of {@code layer} that still have a present query head, ascending. */
    public int[] groupsPresent(int layer) {
        return IntStream.of(headsPresent(layer)).map(h -> h / headsPerGroup()).distinct().toArray();
    }

    /**
     * Parses a HF config.json; wrong types, unsupported features and out-of-range values name the
     * key.
     */
    public static LlamaConfig fromHfJson(JsonObject json) {
        return LlamaConfigJson.parse(json);
    }

    /**
     * A complete HF config.json for this model (plus {@value #PRUNED_HEADS_KEY} once heads are
     * removed).
     */
    public JsonObject toHfJson() {
        JsonObject json = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add(variant.architecture());
        json.add("architectures", architectures);
        json.addProperty("model_type", variant.modelType());
        json.addProperty("vocab_size", vocabSize);
        json.addProperty("max_position_embeddings", maxPositions);
        json.addProperty("hidden_size", width);
        json.addProperty("intermediate_size", innerWidth);
        json.addProperty("num_hidden_layers", numLayers);
        json.addProperty("num_attention_heads", numHeads);
        json.addProperty("num_key_value_heads", numKvHeads);
        json.addProperty("head_dim", headDim);
        json.addProperty("hidden_act", "silu");
        json.addProperty("rms_norm_eps", rmsNormEps);
        json.addProperty("rope_theta", ropeTheta);
        json.add("rope_scaling", ropeScaling.toHfJson());
        json.addProperty("tie_word_embeddings", tieWordEmbeddings);
        if (variant == LlamaVariant.LLAMA) {
            json.addProperty("attention_bias", biases.qkv());
            json.addProperty("mlp_bias", biases.mlp());
        }
        if (variant != LlamaVariant.LLAMA) {
            json.add(
                    "sliding_window",
                    com.google.gson.JsonNull.INSTANCE); // absent, Mistral's would default to 4096
        }
        json.addProperty("attention_dropout", 0.0);
        json.addProperty("initializer_range", 0.02);
        if (bosTokenId >= 0) {
            json.addProperty("bos_token_id", bosTokenId);
        }
        if (eosTokenId >= 0) {
            json.addProperty("eos_token_id", eosTokenId);
        }
        if (!prunedHeads.isEmpty()) {
            json.add(PRUNED_HEADS_KEY, RemovedHeads.toJson(prunedHeads));
        }
        return json;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
