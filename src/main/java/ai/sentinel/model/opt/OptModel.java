package ai.sentinel.model.opt;

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
import ai.sentinel.nn.Masks;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.TorchLinear;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * OPT (Zhang et al. 2022; HF {@code OPTForCausalLM}): token embeddings (projected to the residual
 * width by {@code project_in} where narrower), learned positions read at row {@code p + 2}, gated
 * decoder layers in either LayerNorm order, a final LayerNorm (pre-LN only), {@code project_out},
 * and the unembedding tied to the token embedding: {@code logits =
 * project_out(ln_f(x))·embed_tokensᵀ}.
 *
 * <p>Dropout is not applied: training is deterministic for a given seed.
 *
 * <p>The projections and the final LayerNorm are {@code Optional}: they are absent in real
 * checkpoints (OPT-125m has no projections, OPT-350m no final LayerNorm), so the weights table must
 * not name them; an identity object would hide that difference from the reader of {@link #forward}
 * and from {@link OptWeights}.
 */
@SuppressWarnings("LocalVariableName") // B, T, C, E as in the paper; see docs/ARCHITECTURE.md
public final class OptModel implements CausalLm {
    private OptConfig config; // replaced by head surgery: pruned heads change
    private final NDManager manager;
    private final DataType dtype;
    private final Embedding tokenEmbedding; // HF embed_tokens (V, E)
    private final Embedding positionEmbedding; // HF embed_positions (P + 2, C)
    private final Optional<Parameter> projectIn; // HF project_in [C, E], no bias; absent when E = C
    private final List<OptBlock> blocks;
    private final Optional<LayerNorm> finalNorm; // HF decoder.final_layer_norm; absent post-LN
    private final Optional<Parameter>
            projectOut; // HF project_out [E, C], no bias; absent when E = C
    private final HeadGates gates;
    private UnetSkips unet; // null: no skips

    private OptModel(OptConfig config, NDManager manager, DataType dtype) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        int C = config.width();
        int E = config.embedWidth();
        this.tokenEmbedding =
                new Embedding(zeros("embed_tokens.weight", true, config.vocabSize(), E));
        this.positionEmbedding =
                new Embedding(
                        zeros(
                                "embed_positions.weight",
                                true,
                                config.maxPositions() + OptConfig.POSITION_OFFSET,
                                C));
        boolean project = config.projectsEmbeddings();
        this.projectIn =
                project ? Optional.of(zeros("project_in.weight", true, C, E)) : Optional.empty();
        List<OptBlock> list = new ArrayList<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            list.add(block(layer));
        }
        this.blocks = Collections.unmodifiableList(list);
        this.finalNorm =
                config.hasFinalLayerNorm()
                        ? Optional.of(layerNorm("final_layer_norm"))
                        : Optional.empty();
        this.projectOut =
                project ? Optional.of(zeros("project_out.weight", true, E, C)) : Optional.empty();
        this.gates = new HeadGates(manager, config.numLayers(), config.numHeads(), dtype);
    }

    /**
     * A model of the given shape with every weight zero, to be filled by {@link OptWeights} or
     * {@link OptInit}.
     */
    static OptModel allocate(OptConfig config, NDManager parent, DataType dtype) {
        return new OptModel(config, parent.newSubManager(), dtype);
    }

    /** A freshly initialised model (OPT's initialisation, drawn from {@code seed}). */
    public static OptModel initialize(OptConfig config, NDManager parent, long seed) {
        return initialize(config, parent, seed, DataType.FLOAT32);
    }

    /**
     * As {@link #initialize(OptConfig, NDManager, long)} in another precision (FLOAT64 for gradient
     * checks).
     */
    public static OptModel initialize(
            OptConfig config, NDManager parent, long seed, DataType dtype) {
        OptModel model = allocate(config, parent, dtype);
        OptInit.apply(model, seed);
        return model;
    }

    private OptBlock block(int layer) {
        String p = "layers." + layer + ".";
        int C = config.width();
        int present = config.numHeadsPresent(layer) * config.headDim();
        OptAttention.Projections proj =
                new OptAttention.Projections(
                        linear(p + "self_attn.q_proj", C, present),
                        linear(p + "self_attn.k_proj", C, present),
                        linear(p + "self_attn.v_proj", C, present),
                        linear(p + "self_attn.out_proj", present, C));
        OptAttention attention =
                new OptAttention(
                        layer, config.headsPresent(layer), config.headDim(), proj, manager);
        OptMlp mlp =
                new OptMlp(
                        linear(p + "fc1", C, config.ffnWidth()),
                        linear(p + "fc2", config.ffnWidth(), C));
        return new OptBlock(
                config.layerNormBefore(),
                layerNorm(p + "self_attn_layer_norm"),
                attention,
                layerNorm(p + "final_layer_norm"),
                mlp);
    }

    private TorchLinear linear(String name, int in, int out) {
        return TorchLinear.withBias(
                zeros(name + ".weight", true, out, in), zeros(name + ".bias", false, out));
    }

    private LayerNorm layerNorm(String name) {
        return new LayerNorm(
                zeros(name + ".weight", false, config.width()),
                zeros(name + ".bias", false, config.width()),
                OptConfig.LAYER_NORM_EPS);
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
        int first = past + OptConfig.POSITION_OFFSET;
        NDArray rows = m.arange(first, first + T, 1, DataType.INT64); // (T)
        NDArray x = project(projectIn, tokenEmbedding.forward(tokens)); // (B, T, E) -> (B, T, C)
        x = x.add(positionEmbedding.forward(rows)); // positions after project_in, as in HF
        NDArray effectiveGates = gates.effective(); // (L, H)
        NDArray causalBias = Masks.causalBias(m, T, past, dtype); // (T, S)
        UnetSkips.Pass skips = UnetSkips.passOf(unet);
        for (int layer = 0; layer < blocks.size(); layer++) {
            try (BlockScope scope = new BlockScope(probe)) { // frees the block's intermediates
                OptBlock block = blocks.get(layer);
                NDArray h =
                        block.attend(
                                x, effectiveGates.get(layer), causalBias, cache, scope.probe());
                x = scope.keep(skips.apply(layer, h, block.feedForward(h), scope));
            }
        }
        NDArray normed = finalNorm.isPresent() ? finalNorm.get().forward(x) : x;
        return project(projectOut, normed); // (B, T, E)
    }

    @Override
    public Parameter unembedding() {
        return tokenEmbedding.weight(); // tied
    }

    /**
     * {@code x·Wᵀ} with an [out, in] weight and no bias, or x itself when the projection is absent.
     */
    private static NDArray project(Optional<Parameter> weight, NDArray x) {
        return weight.isPresent() ? x.matMul(weight.get().value().transpose()) : x;
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
        OptBlock block = blocks.get(layer);
        OptAttention old = block.attention();
        config =
                config.withPrunedHeads(
                        HeadSurgery.removedAfter(
                                config.prunedHeads(), config.numHeads(), layer, present));
        block.replaceAttention(
                new OptAttention(layer, present, config.headDim(), old.projections(), manager));
        old.close();
    }

    @Override
    public OptConfig config() {
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
        projectIn.ifPresent(list::add);
        blocks.forEach(b -> list.addAll(b.parameters()));
        finalNorm.ifPresent(n -> list.addAll(n.parameters()));
        projectOut.ifPresent(list::add);
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

    Optional<Parameter> projectIn() {
        return projectIn;
    }

    List<OptBlock> blocks() {
        return blocks;
    }

    Optional<LayerNorm> finalNorm() {
        return finalNorm;
    }

    Optional<Parameter> projectOut() {
        return projectOut;
    }

    @Override
    public void close() {
        manager.close();
    }
}
