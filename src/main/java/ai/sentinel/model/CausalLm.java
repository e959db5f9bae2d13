package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.Unembedding;
import java.util.List;

/** A decoder-only language model whose attention heads can be gated, measured and removed. */
public interface CausalLm extends AutoCloseable {
    ModelConfig config();

    /** (L, H) gates and mask; 1 = open. */
    HeadGates gates();

    /** How layer {@code layer}'s parameters hold its present heads. */
    AttentionLayout attentionLayout(int layer);

    /** Which parameter slices belong to each head, from the layers' {@link AttentionLayout}s. */
    default HeadLayout headLayout() {
        return head ->
                attentionLayout(head.layer())
                        .slices(head.head(), config().headsPresent(head.layer()));
    }

    /**
     * Physically removes heads (compressed pruning): their slices leave the weight matrices and the
     * config's {@code pruned_heads} records them; their masks are set. Returns how each changed
     * parameter was re-laid out, so optimizer state can follow. Call outside any NDScope.
     */
    List<HeadRemap> removeHeads(java.util.Collection<HeadId> heads);

    /**
     * Puts removed heads back with zero slices (to be initialised by the caller); masks are left as
     * they are.
     */
    List<HeadRemap> insertHeads(java.util.Collection<HeadId> heads);

    /** The U-Net skips this model applies, if any. */
    java.util.Optional<UnetSkips> unet();

    /**
     * Attaches skips made for this model ({@link UnetSkips#create}), or detaches them with null
     * (freeing the old ones).
     */
    void setUnet(UnetSkips skips);

    /** The trainable weights (not the gates), in a fixed order; the U-Net skips' last. */
    List<Parameter> parameters();

    /** The parameters training updates (all, unless some were frozen), in order. */
    default List<Parameter> trainableParameters() {
        return parameters().stream().filter(Parameter::trainable).toList();
    }

    /** The manager that owns the weights, gates and mask. */
    NDManager manager();

    /**
     * Logits (B, T, V) for tokens (B, T) at positions 0..T−1. Arrays created here belong to the
     * caller's scope.
     */
    default NDArray forward(NDArray tokens, AttentionProbe probe) {
        return forward(tokens, null, probe);
    }

    /**
     * Logits (B, T, V) for tokens (B, T) that follow the {@code cache.length()} positions already
     * cached (none when {@code cache} is null); their keys and values are appended to the cache.
     */
    default NDArray forward(NDArray tokens, KvCache cache, AttentionProbe probe) {
        return Unembedding.logits(hidden(tokens, cache, probe), unembedding().value());
    }

    /**
     * The final hidden states that the unembedding turns into logits: {@code logits = hidden·Wᵀ}, W
     * = {@link #unembedding()}; (B, T, C), or (B, T, E) for an OPT model whose {@code project_out}
     * maps the width C to a smaller embedding width E. Training takes the loss from these directly
     * ({@code nn.Losses#crossEntropyMean}), so the logits are never kept for backward.
     */
    NDArray hidden(NDArray tokens, KvCache cache, AttentionProbe probe);

    /**
     * The (V, C) unembedding weight ((V, E) for a projecting OPT model): an untied {@code lm_head},
     * or the token embedding.
     */
    Parameter unembedding();

    default KvCache newCache() {
        return new KvCache(config().numLayers());
    }

    /**
     * Weights of a learned position table (GPT-2's {@code wpe}, OPT's {@code embed_positions}): a
     * lookup, not a matrix product, so model-FLOP counts leave them out. 0 for rotary models.
     */
    default long positionTableParameters() {
        return 0;
    }

    default long numParameters() {
        return parameters().stream().mapToLong(Parameter::numElements).sum();
    }

    /** Frees the model's manager. */
    @Override
    void close();
}
