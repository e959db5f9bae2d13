package ai.sentinel.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionLayout;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalAttention;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.Scalars;
import ai.sentinel.nn.TorchLinear;
import java.util.Arrays;
import java.util.List;

/**
 * OPT causal self-attention with one gate per head: {@code attn(x) = Σ_h m_h·g_h·softmax(Q_h K_hᵀ +
 * causal)·V_h·W_o[:, h cols]ᵀ + b_o}, with {@code Q = (x·W_qᵀ + b_q)/√D} (the bias is scaled too,
 * as HF scales {@code q_proj}'s output).
 *
 * <p>With every gate at 1 this equals {@code OPTAttention} in HF transformers
 * (models/opt/modeling_opt.py). The gate scales its head's context before {@code out_proj}, so the
 * output bias is added once and never gated. Heads removed by compressed pruning are physically
 * absent: the layer holds {@code Hp} heads, whose original indices are {@code heads}.
 */
@SuppressWarnings("LocalVariableName") // B, T, S, Hp, D as in the paper; see docs/ARCHITECTURE.md
final class OptAttention {
    private final int layer;
    private final int[] heads; // original index of each present head
    private final int headDim;
    private final Projections proj;
    private final NDArray
            presentHeadIndex; // (Hp) int64, to pick present heads' gates; unused when none removed
    private final double scale;

    /** HF's q_proj, k_proj, v_proj: (C) -> (Hp·D); out_proj: (Hp·D) -> (C); all [out, in]. */
    record Projections(TorchLinear query, TorchLinear key, TorchLinear value, TorchLinear output) {}

    OptAttention(int layer, int[] heads, int headDim, Projections proj, NDManager manager) {
        this.layer = layer;
        this.heads = heads.clone();
        this.headDim = headDim;
        this.proj = proj;
        this.presentHeadIndex =
                EngineArrays.of(
                        manager,
                        Arrays.stream(heads).asLongStream().toArray(),
                        new Shape(heads.length));
        this.scale = 1.0 / Math.sqrt(headDim);
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
        NDArray q = splitHeads(Scalars.times(proj.query().forward(x), scale)); // (B, Hp, T, D)
        NDArray k = splitHeads(proj.key().forward(x));
        NDArray v = splitHeads(proj.value().forward(x));
        NDArray[] kv =
                cache == null
                        ? new NDArray[] {k, v}
                        : cache.append(layer, k, v); // 2 × (B, Hp, S, D)
        NDArray context =
                CausalAttention.context(layer, q, kv[0], kv[1], causalBias, 1, probe) // q scaled
                        .mul(presentGates(gateRow).reshape(1, Hp, 1, 1)); // (B, Hp, T, D)
        return proj.output()
                .forward(context.transpose(0, 2, 1, 3).reshape(B, T, Hp * headDim)); // (B, T, C)
    }

    private NDArray splitHeads(NDArray x) { // (B, T, Hp·D) -> (B, Hp, T, D)
        return x.reshape(x.getShape().get(0), x.getShape().get(1), heads.length, headDim)
                .transpose(0, 2, 1, 3);
    }

    private NDArray presentGates(NDArray gateRow) {
        return heads.length == gateRow.getShape().get(0) ? gateRow : gateRow.get(presentHeadIndex);
    }

    /**
     * Where each head lies: rows of q_proj, k_proj, v_proj (weights and biases), columns of
     * out_proj.
     */
    AttentionLayout layout() {
        return new AttentionLayout(
                headDim,
                1,
                List.of(
                        rows(proj.query().weight(), HeadSlice.Role.QUERY, true),
                        rows(proj.query().bias(), HeadSlice.Role.QUERY, false),
                        rows(proj.key().weight(), HeadSlice.Role.KEY, true),
                        rows(proj.key().bias(), HeadSlice.Role.KEY, false),
                        rows(proj.value().weight(), HeadSlice.Role.VALUE, true),
                        rows(proj.value().bias(), HeadSlice.Role.VALUE, false),
                        new AttentionLayout.Projection(
                                proj.output().weight(), 1, List.of(HeadSlice.Role.OUTPUT), true)));
    }

    private static AttentionLayout.Projection rows(
            Parameter p, HeadSlice.Role role, boolean weight) {
        return new AttentionLayout.Projection(p, 0, List.of(role), weight);
    }

    Projections projections() {
        return proj;
    }

    /** Frees the head index; the projections live on in the attention that replaces this one. */
    void close() {
        presentHeadIndex.close();
    }

    List<Parameter> parameters() {
        return List.of(
                proj.query().weight(),
                proj.query().bias(),
                proj.key().weight(),
                proj.key().bias(),
                proj.value().weight(),
                proj.value().bias(),
                proj.output().weight(),
                proj.output().bias());
    }
}
