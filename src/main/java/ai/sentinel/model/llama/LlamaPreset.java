package ai.sentinel.model.llama;

/**
 * Built-in Llama shapes for training from scratch; the vocabulary size comes from the tokenizer.
 */
public enum LlamaPreset {
    /**
     * 4 layers × 4 query heads in 2 key/value groups, width 128, 128 positions: about 1.0 M weights
     * with byte-level tokens (MLP width 4 × 128), for quick CPU work and tests.
     */
    LLAMA_NANO("llama-nano", 4, 4, 2, 128, 4 * 128, 128, 10000, 1e-6f),
    /**
     * SmolLM2-135M's shape, for benchmarks (random weights, not the published model): 30 layers × 9
     * query heads in 3 key/value groups, width 576, SwiGLU width 1536, 8192 positions, rope theta
     * 100,000, RMSNorm eps 1e-5, tied embeddings; 134.5 M weights with its 49,152-token vocabulary.
     */
    SMOLLM2_135M("smollm2-135m", 30, 9, 3, 576, 1536, 8192, 100000, 1e-5f);

    private final String displayName;
    private final int numLayers;
    private final int numHeads;
    private final int numKvHeads;
    private final int width;
    private final int innerWidth;
    private final int maxPositions;
    private final double ropeTheta;
    private final float rmsNormEps;

    LlamaPreset(
            String displayName,
            int numLayers,
            int numHeads,
            int numKvHeads,
            int width,
            int innerWidth,
            int maxPositions,
            double ropeTheta,
            float rmsNormEps) {
        this.displayName = displayName;
        this.numLayers = numLayers;
        this.numHeads = numHeads;
        this.numKvHeads = numKvHeads;
        this.width = width;
        this.innerWidth = innerWidth;
        this.maxPositions = maxPositions;
        this.ropeTheta = ropeTheta;
        this.rmsNormEps = rmsNormEps;
    }

    public String displayName() {
        return displayName;
    }

    /** Query heads per layer. */
    public int numHeads() {
        return numHeads;
    }

    /** As {@link #config(int, Integer, Integer, Integer, Integer)} with the preset's groups. */
    public LlamaConfig config(int vocabSize, Integer layers, Integer heads, Integer embedding) {
        return config(vocabSize, layers, heads, null, embedding);
    }

    /**
     * The preset's config; {@code null} overrides keep the preset's layers, heads, key/value groups
     * or width. With another head count and no group count the preset's key/value groups are kept
     * when they divide it, else every head gets its own (plain MHA). Another width scales the MLP
     * width in the preset's proportion.
     */
    public LlamaConfig config(
            int vocabSize, Integer layers, Integer heads, Integer kvHeads, Integer embedding) {
        int h = heads != null ? heads : numHeads;
        int c = embedding != null ? embedding : width;
        if (c % h != 0) {
            throw new IllegalArgumentException(
                    "width " + c + " must be a multiple of the heads per layer " + h);
        }
        LlamaConfig base =
                LlamaConfig.of(
                        vocabSize,
                        maxPositions,
                        layers != null ? layers : numLayers,
                        h,
                        kvHeads != null ? kvHeads : h % numKvHeads == 0 ? numKvHeads : h,
                        c);
        return new LlamaConfig(
                base.variant(),
                base.vocabSize(),
                base.maxPositions(),
                base.numLayers(),
                base.numHeads(),
                base.numKvHeads(),
                base.width(),
                base.headDim(),
                Math.max(1, (int) ((long) innerWidth * c / width)),
                rmsNormEps,
                ropeTheta,
                base.ropeScaling(),
                base.tieWordEmbeddings(),
                base.biases(),
                base.prunedHeads(),
                base.bosTokenId(),
                base.eosTokenId());
    }
}
