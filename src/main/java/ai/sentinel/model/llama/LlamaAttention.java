package ai.sentinel.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionLayout;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.HeadSlice.Role;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.Rope;
import ai.sentinel.nn.Scalars;
import ai.sentinel.nn.TorchLinear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Grouped-query causal self-attention with rotary positions and one gate per query head: {@code
 * attn(x) = o_proj(concat_h m_h·g_h·softmax(rope(Q_h)·rope(K_{g(h)})ᵀ/√D + causal)·V_{g(h)})},
 * where query head {@code h} reads key/value group {@code g(h) = h / (H/G)}.
 *
 * <p>With every gate at 1 this equals {@code LlamaAttention} in HF transformers
 * (models/llama/modeling_llama.py), and gpt-fast's {@code Attention}. The gate scales its head's
 * context before {@code o_proj}, so an o_proj bias is added once. Only the {@code Hp} present query
 * heads ({@code heads}, original indices) and the {@code Gp} groups they read are held; a group
 * leaves with its last query head.
 */
@SuppressWarnings(
        "LocalVariableName") // B, T, S, Hp, Gp, D as in the paper; see docs/ARCHITECTURE.md
final class LlamaAttention {
    private final int layer;
    private final int[] heads; // original index of each present query head
    private final int headDim;
    private final int headsPerGroup;
    private final TorchLinear qProj; // (C) -> (Hp·D)
    private final TorchLinear kProj; // (C) -> (Gp·D)
    private final TorchLinear vProj; // (C) -> (Gp·D)
    private final TorchLinear oProj; // (Hp·D) -> (C)
    private final NDArray presentHeadIndex; // (Hp) int64, to pick present heads' gates
    private final NDArray
            groupOfHead; // (Hp) int64: which present group each present query head reads
    private final int
            evenShare; // query heads per present group when every group has as many, else 0
    private final float scale;

    LlamaAttention(
            int layer, int[] heads, LlamaConfig config, List<TorchLinear> qkvo, NDManager manager) {
        this.layer = layer;
        this.heads = heads.clone();
        this.headDim = config.headDim();
        this.headsPerGroup = config.headsPerGroup();
        this.qProj = qkvo.get(0);
        this.kProj = qkvo.get(1);
        this.vProj = qkvo.get(2);
        this.oProj = qkvo.get(3);
        int[] groups = IntStream.of(heads).map(h -> h / headsPerGroup).distinct().toArray();
        long[] groupIndex =
                IntStream.of(heads)
                        .mapToLong(h -> Arrays.binarySearch(groups, h / headsPerGroup))
                        .toArray();
        this.presentHeadIndex =
                EngineArrays.of(
                        manager,
                        IntStream.of(heads).asLongStream().toArray(),
                        new Shape(heads.length));
        this.groupOfHead = EngineArrays.of(manager, groupIndex, new Shape(heads.length));
        int share = heads.length / groups.length;
        boolean even =
                heads.length % groups.length == 0
                        && IntStream.range(0, heads.length)
                                .allMatch(i -> groupIndex[i] == i / share); // heads are sorted
        this.evenShare = even ? share : 0;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * @param x (B, T, C)
     * @param gateRow (H) effective gates {@code m·g} of this layer's original query heads
     * @param positions the rotation and (T, S) causal bias of these T positions, S = cached + T
     */
    NDArray forward(
            NDArray x,
            NDArray gateRow,
            LlamaPositions positions,
            KvCache cache,
            AttentionProbe probe) {
        long B = x.getShape().get(0);
        long T = x.getShape().get(1);
        int Hp = heads.length;
        Rope.Window rope = positions.rope();
        NDArray q = rope.apply(split(qProj.forward(x), B, T)); // (B, Hp, T, D)
        NDArray k = rope.apply(split(kProj.forward(x), B, T)); // (B, Gp, T, D)
        NDArray v = split(vProj.forward(x), B, T); // (B, Gp, T, D)
        NDArray[] kv =
                cache == null
                        ? new NDArray[] {k, v}
                        : cache.append(layer, k, v); // 2 × (B, Gp, S, D)
        long S = kv[0].getShape().get(2);
        NDArray keys = evenShare > 0 ? kv[0] : byQueryHead(kv[0]); // (B, Gp or Hp, S, D)
        NDArray values = evenShare > 0 ? kv[1] : byQueryHead(kv[1]);
        NDArray scores =
                Scalars.times(byGroup(q).matMul(keys.transpose(0, 1, 3, 2)), scale)
                        .reshape(B, Hp, T, S)
                        .add(positions.causalBias());
        NDArray probs = scores.softmax(-1); // (B, Hp, T, S)
        probe.onAttention(layer, probs);
        NDArray context =
                byGroup(probs)
                        .matMul(values)
                        .reshape(B, Hp, T, headDim)
                        .mul(presentGates(gateRow).reshape(1, Hp, 1, 1));
        return oProj.forward(
                context.transpose(0, 2, 1, 3).reshape(B, T, Hp * headDim)); // (B, T, C)
    }

    /** (B, T, N·D) -> (B, N, T, D). */
    private NDArray split(NDArray projected, long B, long T) {
        return projected.reshape(B, T, -1, headDim).transpose(0, 2, 1, 3);
    }

    /**
     * Each present query head's keys or values: (B, Gp, S, D) -> (B, Hp, S, D). With every head
     * present this is gpt-fast's {@code repeat_interleave(H/G, dim=1)}; after head removal the
     * groups repeat unevenly.
     */
    private NDArray byQueryHead(NDArray groups) {
        return groups.getShape().get(1) == heads.length
                ? groups
                : groups.get(new NDIndex(":, {}", groupOfHead));
    }

    /**
     * A per-query-head array (B, Hp, T, X) laid out to meet its group's keys or values (B, Gp, S,
     * D) in one batched product (gpt-fast's grouped attention without repeat_interleave). When
     * every present group has the same share of present query heads, the shares' rows stack under
     * their group (B, Gp, share·T, X), so keys and values are never copied per query head (their
     * indexed copy and its scattering backward cost ~3% of a SmolLM2-shape step); otherwise the
     * caller repeats the groups to match the query heads ({@link #byQueryHead}) and the array stays
     * as it is.
     */
    private NDArray byGroup(NDArray perHead) {
        Shape shape = perHead.getShape();
        return evenShare > 0
                ? perHead.reshape(
                        shape.get(0),
                        heads.length / evenShare,
                        evenShare * shape.get(2),
                        shape.get(3))
                : perHead;
    }

    private NDArray presentGates(NDArray gateRow) {
        return heads.length == gateRow.getShape().get(0) ? gateRow : gateRow.get(presentHeadIndex);
    }

    /**
     * Where each head lies: rows of q_proj (query heads), k_proj and v_proj (groups), their biases;
     * o_proj columns.
     */
    AttentionLayout layout() {
        List<AttentionLayout.Projection> projections = new ArrayList<>();
        List<TorchLinear> qkv = List.of(qProj, kProj, vProj);
        List<Role> roles = List.of(Role.QUERY, Role.KEY, Role.VALUE);
        for (int i = 0; i < 3; i++) {
            projections.add(
                    new AttentionLayout.Projection(
                            qkv.get(i).weight(), 0, List.of(roles.get(i)), true));
            if (qkv.get(i).hasBias()) {
                projections.add(
                        new AttentionLayout.Projection(
                                qkv.get(i).bias(), 0, List.of(roles.get(i)), false));
            }
        }
        projections.add(
                new AttentionLayout.Projection(oProj.weight(), 1, List.of(Role.OUTPUT), true));
        return new AttentionLayout(headDim, headsPerGroup, projections);
    }

    /** q_proj, k_proj, v_proj, o_proj. */
    List<TorchLinear> projections() {
        return List.of(qProj, kProj, vProj, oProj);
    }

    /** Frees the index arrays; the projections live on in the attention that replaces this one. */
    void close() {
        presentHeadIndex.close();
        groupOfHead.close();
    }

    List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>();
        projections().forEach(p -> list.addAll(p.parameters()));
        return list;
    }
}
