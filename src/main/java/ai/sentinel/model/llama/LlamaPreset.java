package ai.sentinel.model.llama;

/**
 * Built-in Llama shapes for training from scratch; the vocabulary size comes from the tokenizer.
 */
public enum LlamaPreset {
    /**
     * 4 layers × 4 query heads in 2 key/value groups, width 128, 128 positions: about 1.0 M weights
     * with byte-level tokens (MLP width 4 × 128), for quick CPU work and tests.
     */
    LLAMA_NANO("llama-nano", 4, 4, 2, 128, 128);

    private final String displayName;
    private final int numLayers;
    private final int numHeads;
    private final int numKvHeads;
    private final int width;
    private final int maxPositions;

    LlamaPreset(
            String displayName,
            int numLayers,
            int numHeads,
            int numKvHeads,
            int width,
            int maxPositions) {
        this.displayName = displayName;
        this.numLayers = numLayers;
        this.numHeads = numHeads;
        this.numKvHeads = numKvHeads;
        this.width = width;
        this.maxPositions = maxPositions;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * The preset's config; {@code null} overrides keep the preset's layers, heads or width. With
     * another head count the preset's key/value groups are kept when they divide it, else every
     * head gets its own (plain MHA).
     */
    public LlamaConfig config(int vocabSize, Integer layers, Integer heads, Integer embedding) {
        int h = heads != null ? heads : numHeads;
        int c = embedding != null ? embedding : width;
        if (c % h != 0) {
            throw new IllegalArgumentException(
                    "width " + c + " must be a multiple of the heads per layer " + h);
        }
        return LlamaConfig.of(
                vocabSize,
                maxPositions,
                layers != null ? layers : numLayers,
                h,
                h % numKvHeads == 0 ? numKvHeads : h,
                c);
    }
}
