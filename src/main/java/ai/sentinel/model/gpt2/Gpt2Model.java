package ai.sentinel.model.gpt2;

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
import ai.sentinel.nn.LayerNorm;
import ai.sentinel.nn.Linear;
import ai.sentinel.nn.Masks;
import ai.sentinel.nn.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * GPT-2: learned token and position embeddings, pre-LayerNorm blocks with gated causal attention, a
 * final LayerNorm, and the unembedding tied to the token embedding ({@code logits = ln_f(x)·wteᵀ}).
 *
 * <p>Dropout is not applied: training is deterministic for a given seed.
 */
public final class Gpt2Model implements CausalLm {
    private Gpt2Config config; // replaced by head surgery: pruned_heads changes
    private final NDManager manager;
    private final DataType dtype;
    private final Embedding tokenEmbedding; // HF wte (V, C)
    private final Embedding positionEmbedding; // HF wpe (P, C)
    private final List<Gpt2Block> blocks;
    private final LayerNorm finalNorm; // HF ln_f
    private final HeadGates gates;
    private UnetSkips unet; // null: no skips

    private Gpt2Model(Gpt2Config config, NDManager manager, DataType dtype) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        int C = config.width();
        this.tokenEmbedding = new Embedding(zeros("wte", true, config.vocabSize(), C));
        this.positionEmbedding = new Embedding(zeros("wpe", true, config.maxPositions(), C));
        List<Gpt2Block> list = new ArrayList<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            list.add(block(layer));
        }
        this.blocks = Collections.unmodifiableList(list);
        this.finalNorm = layerNorm("ln_f");
        this.gates = new HeadGates(manager, config.numLayers(), config.numHeads(), dtype);
    }

    /**
     * A model of the given shape with every weight zero, to be filled by {@link Gpt2Weights} or
     * {@link Gpt2Init}.
     */
    static Gpt2Model allocate(Gpt2Config config, NDManager parent, DataType dtype) {
        return new Gpt2Model(config, parent.newSubManager(), dtype);
    }

    /** A freshly initialised model (GPT-2's initialisation, drawn from {@code seed}). */
    public static Gpt2Model initialize(Gpt2Config config, NDManager parent, long seed) {
        return initialize(config, parent, seed, DataType.FLOAT32);
    }

    /**
     * As {@link #initialize(Gpt2Config, NDManager, long)} in another precision (FLOAT64 for
     * gradient checks).
     */
    public static Gpt2Model initialize(
            Gpt2Config config, NDManager parent, long seed, DataType dtype) {
        Gpt2Model model = allocate(config, parent, dtype);
        Gpt2Init.apply(model, seed);
        return model;
    }

    private Gpt2Block block(int layer) {
        String p = "h." + layer + ".";
        int C = config.width();
        int present = config.numHeadsPresent(layer) * config.headDim();
        Gpt2Attention attention =
                new Gpt2Attention(
                        layer,
                        config.headsPresent(layer),
                        config.headDim(),
                        linear(p + "attn.c_attn", C, 3 * present),
                        linear(p + "attn.c_proj", present, C),
                        manager);
        Gpt2Mlp mlp =
                new Gpt2Mlp(
                        linear(p + "mlp.c_fc", C, config.innerWidth()),
                        linear(p + "mlp.c_proj", config.innerWidth(), C),
                        config.activation());
        return new Gpt2Block(layerNorm(p + "ln_1"), attention, layerNorm(p + "ln_2"), mlp);
    }

    private Linear linear(String name, int in, int out) {
        return new Linear(
                zeros(name + ".weight", true, in, out), zeros(name + ".bias", false, out));
    }

    private LayerNorm layerNorm(String name) {
        return new LayerNorm(
                zeros(name + ".weight", false, config.width()),
                zeros(name + ".bias", false, config.width()),
                config.layerNormEps());
    }

    private Parameter zeros(String name, boolean decay, long... shape) {
        return new Parameter(name, manager.zeros(new Shape(shape), dtype), decay);
    }

    @Override
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
        NDArray positions = m.arange(past, past + T, 1, DataType.INT64); // (T)
        NDArray x =
                tokenEmbedding
                        .forward(tokens)
                        .add(positionEmbedding.forward(positions)); // (B, T, C)
        NDArray effectiveGates = gates.effective(); // (L, H)
        NDArray causalBias = Masks.causalBias(m, T, past, dtype); // (T, S)
        UnetSkips.Pass skips = UnetSkips.passOf(unet);
        for (int layer = 0; layer < blocks.size(); layer++) {
            try (BlockScope scope = new BlockScope(probe)) { // frees the block's intermediates
                Gpt2Block block = blocks.get(layer);
                NDArray h =
                        block.attend(
                                x, effectiveGates.get(layer), causalBias, cache, scope.probe());
                x = scope.keep(skips.apply(layer, h, block.feedForward(h), scope));
            }
        }
        return finalNorm.forward(x); // (B, T, C)
    }

    @Override
    public Parameter unembedding() {
        return tokenEmbedding.weight(); // tied
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
        Gpt2Block block = blocks.get(layer);
        Gpt2Attention old = block.attention();
        config =
                new Gpt2Config(
                        config.vocabSize(),
                        config.maxPositions(),
                        config.numLayers(),
                        config.numHeads(),
                        config.width(),
                        config.innerWidth(),
                        config.layerNormEps(),
                        config.activation(),
                        HeadSurgery.removedAfter(
                                config.prunedHeads(), config.numHeads(), layer, present),
                        config.eosTokenId());
        block.replaceAttention(
                new Gpt2Attention(
                        layer,
                        present,
                        config.headDim(),
                        old.qkvProj(),
                        old.outputProj(),
                        manager));
        old.close();
    }

    @Override
    public Gpt2Config config() {
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

    public DataType dataType() {
        return dtype;
    }

    @Override
    public long positionTableParameters() {
        return positionEmbedding.weight().numElements();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>();
        list.add(tokenEmbedding.weight());
        list.add(positionEmbedding.weight());
        blocks.forEach(b -> list.addAll(b.parameters()));
        list.addAll(finalNorm.parameters());
        if (unet != null) {
            list.addAll(unet.parameters());
        }
        return list;
    }

    Embedding tokenEmbedding() {
        return tokenEmbedding;
    }

    Embedding positionEmbedding() {
        return positionEmbedding;
    }

    List<Gpt2Block> blocks() {
        return blocks;
    }

    LayerNorm finalNorm() {
        return finalNorm;
    }

    @Override
    public void close() {
        manager.close();
    }
}
