package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.sentinel.nn.Scalars;
import ai.sentinel.nn.ScriptedOp;

/**
 * Causal scaled dot-product attention of one layer's heads: {@code softmax(q·kᵀ·scale + causal)·v}.
 *
 * <p>When nothing asks for the probabilities, libtorch's fused kernel computes it ({@code
 * scaled_dot_product_attention}, flash attention on CPU: the T×S scores are never stored, and its
 * backward recomputes them blockwise), measured 1.3× faster than the composed form per layer at 128
 * positions and 1.6–2.4× at 512 (bench/RESULTS.md). A probe that records the probabilities gets the
 * composed form, which it observes.
 */
public final class CausalAttention {
    private CausalAttention() {}

    /**
     * @param q (B, H, T, D)
     * @param k (B, H, S, D), S = cached + T
     * @param v (B, H, S, D)
     * @param causalBias (T, S) additive mask
     * @param scale the factor of q·kᵀ (1 when q is scaled already)
     * @return the context (B, H, T, D)
     */
    public static NDArray context(
            int layer,
            NDArray q,
            NDArray k,
            NDArray v,
            NDArray causalBias,
            double scale,
            AttentionProbe probe) {
        if (probe != AttentionProbe.NONE) {
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
            if (scale != 1) {
                scores = Scalars.times(scores, scale);
            }
            NDArray probs = scores.add(causalBias).softmax(-1); // (B, H, T, S)
            probe.onAttention(layer, probs);
            return probs.matMul(v);
        }
        NDArray factor = Scalars.constant(q.getManager(), scale, q.getDataType());
        boolean fromStart = q.getShape().get(2) == k.getShape().get(2); // nothing cached
        return fromStart
                ? Fused.CAUSAL.apply(q, k, v, factor).singletonOrThrow()
                : Fused.MASKED.apply(q, k, v, causalBias, factor).singletonOrThrow();
    }

    private static final class Fused {
        static final ScriptedOp CAUSAL =
                ScriptedOp.compile(
                        "CausalAttention",
                        "q: Tensor, k: Tensor, v: Tensor, scale: Tensor",
                        "Tensor",
                        "    return torch.scaled_dot_product_attention(q, k, v, is_causal=True,"
                                + " scale=float(scale))");
        // after cached positions the causal square is offset: the (T, S) bias says which keys each
        // query sees
        static final ScriptedOp MASKED =
                ScriptedOp.compile(
                        "MaskedAttention",
                        "q: Tensor, k: Tensor, v: Tensor, bias: Tensor, scale: Tensor",
                        "Tensor",
                        "    return torch.scaled_dot_product_attention(q, k, v, attn_mask=bias,"
                                + " scale=float(scale))");
    }
}
