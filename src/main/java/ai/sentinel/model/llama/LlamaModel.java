package ai.sentinel.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionLayout;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.BlockScope;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadGates;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadRemap;
import ai.sentinel.model.HeadSurgery;
import ai.sentinel.model.KvCache;
import ai.sentinel.model.UnetSkips;
import ai.sentinel.nn.Embedding;
import ai.sentinel.nn.Masks;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.RmsNorm;
import ai.sentinel.nn.Rope;
import ai.sentinel.nn.TorchLinear;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A Llama-family model ({@code LlamaForCausalLM}, {@code Qwen2ForCausalLM}, {@code
 * MistralForCausalLM}): token embedding, pre-RMSNorm blocks with gated grouped-query rotary
 * attention and SwiGLU MLPs, a final RMSNorm, and the unembedding ({@code logits = norm(x)·Wᵀ}, W =
 * {@code lm_head} or, tied, {@code embed_tokens}).
 */
public final class LlamaModel implements CausalLm {
    private LlamaConfig config; // replaced by head surgery: pruned heads change
    private final NDManager manager;
    private final DataType dtype;
    private final Embedding tokenEmbedding; // HF embed_tokens (V, C)
    private final List<LlamaBlock> blocks;
    private final RmsNorm finalNorm; // HF norm
    private final Parameter unembedding; // (V, C): lm_head, or embed_tokens when tied
    private final Rope rope;
    private final HeadGates gates;
    private UnetSkips unet; // null: no skips

    private LlamaModel(LlamaConfig config, NDManager manager, DataType dtype) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.tokenEmbedding =
                new Embedding(
                        zeros("embed_tokens.weight", true, config.vocabSize(), config.width()));
        List<LlamaBlock> list = new ArrayList<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            list.add(block(layer));
        }
        this.blocks = Collections.unmodifiableList(list);
        this.finalNorm = rmsNorm("norm.weight");
        this.unembedding =
                config.tieWordEmbeddings()
                        ? tokenEmbedding.weight()
                        : zeros("lm_head.weight", true, config.vocabSize(), config.width());
        this.rope =
                new Rope(
                        manager,
                        config.ropeScaling()
                                .inverseFrequencies(config.ropeTheta(), config.headDim()));
        this.gates = new HeadGates(manager, config.numLayers(), config.numHeads(), dtype);
    }

    /**
     * A model of the given shape with every weight zero, to be filled by {@link LlamaWeights} or
     * {@link LlamaInit}.
     */
    static LlamaModel allocate(LlamaConfig config, NDManager parent, DataType dtype) {
        return new LlamaModel(config, parent.newSubManager(), dtype);
    }

    /** A freshly initialised model (HF's Llama initialisation, drawn from {@code seed}). */
    public static LlamaModel initialize(LlamaConfig config, NDManager parent, long seed) {
        return initialize(config, parent, seed, DataType.FLOAT32);
    }

    /**
     * As {@link #initialize(LlamaConfig, NDManager, long)} in another precision (FLOAT64 for
     * gradient checks).
     */
    public static LlamaModel initialize(
            LlamaConfig config, NDManager parent, long seed, DataType dtype) {
        LlamaModel model = allocate(config, parent, dtype);
        LlamaInit.apply(model, seed);
        return model;
    }

    private LlamaBlock block(int layer) {
        String p = "layers." + layer + ".";
        LlamaConfig.Biases bias = config.biases();
        int C = config.width();
        int D = config.headDim();
        int queries = config.numHeadsPresent(layer) * D;
        int keys = config.groupsPresent(layer).length * D;
        List<TorchLinear> qkvo =
                List.of(
                        linear(p + "self_attn.q_proj", C, queries, bias.qkv()),
                        linear(p + "self_attn.k_proj", C, keys, bias.qkv()),
                        linear(p + "self_attn.v_proj", C, keys, bias.qkv()),
                        linear(p + "self_attn.o_proj", queries, C, bias.output()));
        int F = config.innerWidth();
        LlamaMlp mlp =
                new LlamaMlp(
                        linear(p + "mlp.gate_proj", C, F, bias.mlp()),
                        linear(p + "mlp.up_proj", C, F, bias.mlp()),
                        linear(p + "mlp.down_proj", F, C, bias.mlp()));
        return new LlamaBlock(
                rmsNorm(p + "input_layernorm.weight"),
                new LlamaAttention(layer, config.headsPresent(layer), config, qkvo, manager),
                rmsNorm(p + "post_attention_layernorm.weight"),
                mlp);
    }

    private TorchLinear linear(String name, int in, int out, boolean bias) {
        Parameter weight = zeros(name + ".weight", true, out, in);
        return bias
                ? TorchLinear.withBias(weight, zeros(name + ".bias", false, out))
                : TorchLinear.withoutBias(weight);
    }

    private RmsNorm rmsNorm(String name) {
        return new RmsNorm(zeros(name, false, config.width()), config.rmsNormEps());
    }

    private Parameter zeros(String name, boolean decay, long... shape) {
        return new Parameter(name, manager.zeros(new Shape(shape), dtype), decay);
    }

    @Override
    @SuppressWarnings("LocalVariableName")
    public NDArray hidden(
            NDArray tokens, KvCache cache, AttentionProbe probe) { // tokens (B, T) int64
        int T = Math.toIntExact(tokens.getShape().get(1));
        int past = cache == null ? 0 : cache.length();
        if (past + T > config.maxPositions()) {
            throw new IllegalArgumentException(
                    "sequence of "
                            + (past + T)
                            + " positions exceeds the model's "
                            + config.maxPositions());
        }
        NDManager m = tokens.getManager();
        LlamaPositions positions =
                new LlamaPositions(
                        rope.at(m, past, T, dtype),
                        Masks.causalBias(m, T, past, dtype)); // (T, D) rotation, (T, S) bias
        NDArray x = tokenEmbedding.forward(tokens); // (B, T, C)
        NDArray effectiveGates = gates.effective(); // (L, H)
        UnetSkips.Pass skips = UnetSkips.passOf(unet);
        for (int layer = 0; layer < blocks.size(); layer++) {
            try (BlockScope scope = new BlockScope(probe)) { // frees the block's intermediates
                LlamaBlock block = blocks.get(layer);
                NDArray h =
                        block.attend(x, effectiveGates.get(layer), positions, cache, scope.probe());
                x = scope.keep(skips.apply(layer, h, block.feedForward(h), scope));
            }
        }
        return finalNorm.forward(x); // (B, T, C)
    }

    @Override
    public Parameter unembedding() {
        return unembedding;
    }

    @Override
    public List<HeadRemap> removeHeads(Collection<HeadId> heads) {
        return HeadSurgery.remove(this, heads, this::rebuildAttention);
    }

    @Override
    public List<HeadRemap> insertHeads(Collection<HeadId> heads) {
        return HeadSurgery.insert(this, heads, this::rebuildAttention);
    }

    /** Records layer {@code layer}'s new present heads and gives it an attention over them. */
    private void rebuildAttention(int layer, int[] present) {
        LlamaBlock block = blocks.get(layer);
        LlamaAttention old = block.attention();
        config =
                config.withPrunedHeads(
                        HeadSurgery.removedAfter(
                                config.prunedHeads(), config.numHeads(), layer, present));
        block.replaceAttention(
                new LlamaAttention(layer, present, config, old.projections(), manager));
        old.close();
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public AttentionLayout attentionLayout(int layer) {
        return blocks.get(layer).attention().layout();
    }

    @Override
    public Optional<UnetSkips> unet() {
        return Optional.ofNullable(unet);
    }

    @Override
    public void setUnet(UnetSkips skips) {
        if (unet != null && unet != skips) {
            unet.close();
        }
        unet = skips;
    }

    @Override
    public HeadGates gates() {
        return gates;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** The rotary inverse frequencies in use (after scaling). */
    public double[] ropeInverseFrequencies() {
        return rope.inverseFrequencies();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>();
        list.add(tokenEmbedding.weight());
        blocks.forEach(b -> list.addAll(b.parameters()));
        list.addAll(finalNorm.parameters());
        if (!config.tieWordEmbeddings()) {
            list.add(unembedding);
        }
        if (unet != null) {
            list.addAll(unet.parameters());
        }
        return list;
    }

    Embedding tokenEmbedding() {
        return tokenEmbedding;
    }

    List<LlamaBlock> blocks() {
        return blocks;
    }

    RmsNorm finalNorm() {
        return finalNorm;
    }

    /** The untied {@code lm_head}; only when embeddings are not tied. */
    Parameter lmHead() {
        return unembedding;
    }

    @Override
    public void close() {
        manager.close();
    }
}
