package ai.sentinel.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionLayout;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadGates;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadRemap;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.Embedding;
import ai.sentinel.nn.LayerNorm;
import ai.sentinel.nn.Linear;
import ai.sentinel.nn.Masks;
import ai.sentinel.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
    public NDArray forward(NDArray tokens, AttentionProbe probe) {
        return forward(tokens, null, probe);
    }

    @Override
    public NDArray forward(
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
        for (int layer = 0; layer < blocks.size(); layer++) {
            x = blocks.get(layer).forward(x, effectiveGates.get(layer), causalBias, cache, probe);
        }
        return finalNorm
                .forward(x)
                .matMul(tokenEmbedding.weight().value().transpose()); // (B, T, V)
    }

    @Override
    public List<HeadRemap> removeHeads(Collection<HeadId> heads) {
        Map<Integer, Set<Integer>> byLayer = byLayer(heads);
        List<HeadRemap> remaps = new ArrayList<>();
        for (Map.Entry<Integer, Set<Integer>> e : byLayer.entrySet()) {
            int layer = e.getKey();
            int[] kept =
                    Arrays.stream(config.headsPresent(layer))
                            .filter(h -> !e.getValue().contains(h))
                            .toArray();
            if (kept.length == config.headsPresent(layer).length - e.getValue().size()) {
                remaps.addAll(relayout(layer, kept));
            } else {
                throw new IllegalArgumentException(
                        "layer " + layer + " does not hold all of heads " + e.getValue());
            }
        }
        heads.forEach(h -> gates.setMasked(h, true));
        return remaps;
    }

    @Override
    public List<HeadRemap> insertHeads(Collection<HeadId> heads) {
        List<HeadRemap> remaps = new ArrayList<>();
        for (Map.Entry<Integer, Set<Integer>> e : byLayer(heads).entrySet()) {
            int layer = e.getKey();
            Set<Integer> present = new TreeSet<>();
            Arrays.stream(config.headsPresent(layer)).forEach(present::add);
            for (int h : e.getValue()) {
                if (!present.add(h)) {
                    throw new IllegalArgumentException(
                            "head " + new HeadId(layer, h) + " is already present");
                }
            }
            remaps.addAll(relayout(layer, present.stream().mapToInt(Integer::intValue).toArray()));
        }
        return remaps;
    }

    private static Map<Integer, Set<Integer>> byLayer(Collection<HeadId> heads) {
        Map<Integer, Set<Integer>> map = new TreeMap<>();
        heads.forEach(h -> map.computeIfAbsent(h.layer(), k -> new TreeSet<>()).add(h.head()));
        return map;
    }

    /**
     * Rebuilds layer {@code layer} to hold exactly the heads {@code newPresent}: kept heads' slices
     * move to their new places, inserted heads get zero slices (the grower initialises them). Runs
     * outside any NDScope.
     */
    private List<HeadRemap> relayout(int layer, int[] newPresent) {
        if (newPresent.length == 0) {
            throw new IllegalArgumentException(
                    "removing every head of layer " + layer + " is not allowed");
        }
        Gpt2Block block = blocks.get(layer);
        Gpt2Attention old = block.attention();
        List<HeadRemap> remaps = old.layout().remaps(config.headsPresent(layer), newPresent);
        for (HeadRemap r : remaps) {
            r.parameter().replace(r.apply(r.parameter().value()));
        }
        Map<Integer, Set<Integer>> pruned = new TreeMap<>(config.prunedHeads());
        Set<Integer> removed = new TreeSet<>();
        for (int h = 0; h < config.numHeads(); h++) {
            if (AttentionLayout.indexOf(newPresent, h) < 0) {
                removed.add(h);
            }
        }
        pruned.put(layer, removed);
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
                        pruned,
                        config.eosTokenId());
        block.replaceAttention(
                new Gpt2Attention(
                        layer,
                        newPresent,
                        config.headDim(),
                        old.qkvProj(),
                        old.outputProj(),
                        manager));
        old.close();
        return remaps;
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
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>();
        list.add(tokenEmbedding.weight());
        list.add(positionEmbedding.weight());
        blocks.forEach(b -> list.addAll(b.parameters()));
        list.addAll(finalNorm.parameters());
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
