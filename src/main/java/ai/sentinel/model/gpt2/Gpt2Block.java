package ai.sentinel.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.LayerNorm;
import ai.sentinel.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/** A pre-LayerNorm transformer block: {@code x + attn(ln1(x))}, then {@code x + mlp(ln2(x))}. */
final class Gpt2Block {
    private final LayerNorm ln1;
    private Gpt2Attention attention; // replaced when heads are removed or inserted
    private final LayerNorm ln2;
    private final Gpt2Mlp mlp;

    Gpt2Block(LayerNorm ln1, Gpt2Attention attention, LayerNorm ln2, Gpt2Mlp mlp) {
        this.ln1 = ln1;
        this.attention = attention;
        this.ln2 = ln2;
        this.mlp = mlp;
    }

    /** {@code x + attn(ln1(x))}: the hidden state after the attention residual. */
    NDArray attend(
            NDArray x, NDArray gateRow, NDArray causalBias, KvCache cache, AttentionProbe probe) {
        return x.add(attention.forward(ln1.forward(x), gateRow, causalBias, cache, probe));
    }

    /** {@code h + mlp(ln2(h))}: the block's output. */
    NDArray feedForward(NDArray h) {
        return h.add(mlp.forward(ln2.forward(h)));
    }

    void replaceAttention(Gpt2Attention newAttention) {
        attention = newAttention;
    }

    LayerNorm ln1() {
        return ln1;
    }

    Gpt2Attention attention() {
        return attention;
    }

    LayerNorm ln2() {
        return ln2;
    }

    Gpt2Mlp mlp() {
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
