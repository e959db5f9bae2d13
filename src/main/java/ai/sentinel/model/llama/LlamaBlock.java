package ai.sentinel.model.llama;

import ai.djl.ndarray.NDArray;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.RmsNorm;
import java.util.ArrayList;
import java.util.List;

/** A pre-RMSNorm decoder layer: {@code x + attn(norm1(x))}, then {@code x + mlp(norm2(x))}. */
final class LlamaBlock {
    private final RmsNorm inputNorm; // HF input_layernorm
    private LlamaAttention attention; // replaced when heads are removed or inserted
    private final RmsNorm postAttentionNorm; // HF post_attention_layernorm
    private final LlamaMlp mlp;

    LlamaBlock(
            RmsNorm inputNorm, LlamaAttention attention, RmsNorm postAttentionNorm, LlamaMlp mlp) {
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.postAttentionNorm = postAttentionNorm;
        this.mlp = mlp;
    }

    /** {@code x + attn(norm(x))}: the hidden state after the attention residual. */
    NDArray attend(
            NDArray x,
            NDArray gateRow,
            LlamaPositions positions,
            KvCache cache,
            AttentionProbe probe) {
        return x.add(attention.forward(inputNorm.forward(x), gateRow, positions, cache, probe));
    }

    /** {@code h + mlp(norm(h))}: the block's output. */
    NDArray feedForward(NDArray h) {
        return h.add(mlp.forward(postAttentionNorm.forward(h)));
    }

    void replaceAttention(LlamaAttention newAttention) {
        attention = newAttention;
    }

    RmsNorm inputNorm() {
        return inputNorm;
    }

    LlamaAttention attention() {
        return attention;
    }

    RmsNorm postAttentionNorm() {
        return postAttentionNorm;
    }

    LlamaMlp mlp() {
        return mlp;
    }

    List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(inputNorm.parameters());
        list.addAll(attention.parameters());
        list.addAll(postAttentionNorm.parameters());
        list.addAll(mlp.parameters());
        return list;
    }
}
