package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An {@link AttentionProbe} that keeps every layer's attention probabilities of one forward pass,
 * in order.
 */
public final class AttentionCapture implements AttentionProbe {
    private final List<NDArray> perLayer = new ArrayList<>();

    @Override
    public void onAttention(int layer, NDArray probs) {
        if (layer != perLayer.size()) {
            throw new IllegalStateException(
                    "expected layer "
                            + perLayer.size()
                            + ", got "
                            + layer
                            + ": use one capture per forward pass");
        }
        perLayer.add(probs);
    }

    /**
     * The captured (B, Hp, T, S) arrays, one per layer; they live in the scope of the forward pass.
     */
    public List<NDArray> probabilities() {
        return Collections.unmodifiableList(perLayer);
    }
}
