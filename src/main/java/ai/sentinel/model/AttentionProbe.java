package ai.sentinel.model;

import ai.djl.ndarray.NDArray;

/**
 * Receives each layer's attention probabilities during a forward pass. {@link #NONE} keeps nothing,
 * so a forward pass nobody probes holds no extra arrays.
 */
@FunctionalInterface
public interface AttentionProbe {
    AttentionProbe NONE = (layer, probs) -> {};

    /**
     * @param probs (B, Hp, T, S) softmax probabilities over keys for the heads present in {@code
     *     layer}; the array belongs to the caller's scope
     */
    void onAttention(int layer, NDArray probs);
}
