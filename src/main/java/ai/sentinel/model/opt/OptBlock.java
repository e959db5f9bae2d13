package ai.sentinel.model.opt;

import ai.djl.ndarray.NDArray;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.LayerNorm;
import ai.sentinel.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * An OPT decoder layer, in either LayerNorm order ({@code do_layer_norm_before}): pre-LN {@code x +
 * attn(ln1(x))}, then {@code x + mlp(ln2(x))} (OPT-125m and most sizes); post-LN {@code ln1(x +
 * attn(x))}, then {@code ln2(x + mlp(x))} (OPT-350m). HF names {@code ln1} {@code
 * self_attn_layer_norm} and {@code ln2} {@code final_layer_norm}.
 */
final class OptBlock {
    private final boolean normBefore;
    private final LayerNorm ln1;
    private OptAttention attention; // replaced when heads are removed or inserted
    private final LayerNorm ln2;
    private final OptMlp mlp;

    OptBlock(boolean normBefore, LayerNorm ln1, OptAttention attention, LayerNorm ln2, OptMlp mlp) {
        this.normBefore = normBefore;
        this.ln1 = ln1;
        this.attention = attention;
        this.ln2 = ln2;
        this.mlp = mlp;
    }

    /**
     * The hidden state after the attention residual: {@code x + attn(ln1(x))} before norm, {@code
     * ln1(x + attn(x))} after.
     */
    NDArray attend(
            NDArray x, NDArray gateRow, NDArray causalBias, KvCache cache, AttentionProbe probe) {
        if (normBefore) {
            return x.add(attention.forward(ln1.forward(x), gateRow, causalBias, cache, probe));
        }
        return ln1.forward(x.add(attention.forward(x, gateRow, causalBias, cache, probe)));
    }

    /** The block's output: {@code h + mlp(ln2(h))} before norm, {@code ln2(h + mlp(h))} after. */
    NDArray feedForward(NDArray h) {
        return normBefore ? h.add(mlp.forward(ln2.forward(h))) : ln2.forward(h.add(mlp.forward(h)));
    }

    void replaceAttention(OptAttention newAttention) {
        attention = newAttention;
    }

    LayerNorm ln1() {
        return ln1;
    }

    OptAttention attention() {
        return attention;
    }

    LayerNorm ln2() {
        return ln2;
    }

    OptMlp mlp() {
        return mlp;
    }

    List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(ln1.parameters());
        list.addAll(attention.parameters());
        list.addAll(ln2.parameters());
        list.addAll(mlp.parameters());
        return list;
    }
}
