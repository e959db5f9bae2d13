package ai.sentinel.model.opt;

/** Built-in OPT shapes for training from scratch; the vocabulary size comes from the tokenizer. */
public enum OptPreset {
    /**
     * 4 layers × 4 heads, width 128, 128 positions, pre-LN, no embedding projection: GPT-2 nano's
     * shape in OPT's layout, for quick CPU work and tests.
     */
    OPT_NANO("opt-nano", 4, 4, 128, 128),
    /** OPT-125m's shape: 12 layers × 12 heads, width 768, 2048 positions. */
    OPT_125M("opt-125m", 12, 12, 768, 2048);

    private final String presetName;
    private final int numLayers;
    private final int numHeads;
    private final int width;
    private final int maxPositions;

    OptPreset(String presetName, int numLayers, int numHeads, int width, int maxPositions) {
        this.presetName = presetName;
        this.numLayers = numLayers;
        this.numHeads = numHeads;
        this.width = width;
        this.maxPositions = maxPositions;
    }

    /** The name users type. */
    public String presetName() {
        return presetName;
    }

    /** Query heads per layer. */
    public int numHeads() {
        return numHeads;
    }

    public OptConfig config(int vocabSize) {
        return OptConfig.of(vocabSize, maxPositions, numLayers, numHeads, width);
    }
}
