package ai.sentinel.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.sentinel.model.AttentionLayout;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalAttention;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Linear;
import ai.sentinel.nn.Parameter;
import java.util.List;

/**
 * GPT-2 causal self-attention with one gate per head: {@code attn(x) = Σ_h m_h·g_h·(softmax(Q_h
 * K_hᵀ/√D + causal)·V_h)·P[h rows] + p}.
 *
 * <p>With every gate at 1 this equals {@code GPT2Attention} in HF transformers
 * (models/gpt2/modeling_gpt2.py). The gate scales its head's context before the output projection,
 * so the projection bias {@code p} is added once and never gated. Heads listed in the config's
 * {@code pruned_heads} are physically absent: the layer holds {@code Hp} heads, whose original
 * indices are {@code heads}.
 */
@SuppressWarnings("LocalVariableName") // B, T, S, Hp, D as in the paper; see docs/ARCHITECTURE.md
final class Gpt2Attention {
    private final int layer;
    private final int[] heads; // original index of each present head
    private final int headDim;
    private final Linear qkvProj; // HF c_attn: (C) -> (3·Hp·D), q|k|v blocks along the output axis
    private final Linear outputProj; // HF c_proj: (Hp·D) -> (C)
    private final NDArray
            presentHeadIndex; // (Hp) int64, to pick present heads' gates; unused when none removed
    private final float scale;

    Gpt2Attention(
            int layer,
            int[] heads,
            int headDim,
            Linear qkvProj,
            Linear outputProj,
            NDManager manager) {
        this.layer = layer;
        this.heads = heads.clone();
        this.headDim = headDim;
        this.qkvProj = qkvProj;
        this.outputProj = outputProj;
        this.presentHeadIndex =
                EngineArrays.of(
                        manager,
                        java.util.Arrays.stream(heads).asLongStream().toArray(),
                        new ai.djl.ndarray.types.Shape(heads.length));
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * @param x (B, T, C)
     * @param gateRow (H) effective gates {@code m·g} of this layer's original heads
     * @param causalBias (T, S) additive mask, S = cached + T
     */
    NDArray forward(
            NDArray x, NDArray gateRow, NDArray causalBias, KvCache cache, AttentionProbe probe) {
        long B = x.getShape().get(0);
        long T = x.getShape().get(1);
        int Hp = heads.length;
        NDArray qkv =
                qkvProj.forward(x)
                        .reshape(B, T, 3, Hp, headDim)
                        .transpose(2, 0, 3, 1, 4); // (3, B, Hp, T, D)
        NDArray q = qkv.get(0);
        NDArray[] kv =
                cache == null
                        ? new NDArray[] {qkv.get(1), qkv.get(2)}
                        : cache.append(layer, qkv.get(1), qkv.get(2)); // 2 × (B, Hp, S, D)
        NDArray context =
                CausalAttention.context(layer, q, kv[0], kv[1], causalBias, scale, probe)
                        .mul(presentGates(gateRow).reshape(1, Hp, 1, 1)); // (B, Hp, T, D)
        return outputProj.forward(
                context.transpose(0, 2, 1, 3).reshape(B, T, Hp * headDim)); // (B, T, C)
    }

    private NDArray presentGates(NDArray gateRow) {
        return heads.length == gateRow.getShape().get(0) ? gateRow : gateRow.get(presentHeadIndex);
    }

    /**
     * Where each head lies: q, k and v sections of {@code c_attn}'s columns (and bias), rows of
     * {@code c_proj}.
     */
    AttentionLayout layout() {
        List<HeadSlice.Role> qkv =
                List.of(HeadSlice.Role.QUERY, HeadSlice.Role.KEY, HeadSlice.Role.VALUE);
        return new AttentionLayout(
                headDim,
                1,
                List.of(
                        new AttentionLayout.Projection(qkvProj.weight(), 1, qkv, true),
                        new AttentionLayout.Projection(qkvProj.bias(), 0, qkv, false),
                        new AttentionLayout.Projection(
                                outputProj.weight(), 0, List.of(HeadSlice.Role.OUTPUT), true)));
    }

    Linear qkvProj() {
        return qkvProj;
    }

    Linear outputProj() {
        return outputProj;
    }

    /** Frees the head index; the projections live on in the attention that replaces this one. */
    void close() {
        presentHeadIndex.close();
    }

    List<Parameter> parameters() {
        return List.of(qkvProj.weight(), qkvProj.bias(), outputProj.weight(), outputProj.bias());
    }
}
