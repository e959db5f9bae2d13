package ai.sentinel.model.gpt2;

/**
 * Built-in GPT-2 shapes for training from scratch; the vocabulary size comes from the tokenizer.
 */
public enum Gpt2Preset {
    /**
     * 4 layers × 4 heads, width 128, 128 positions (the default block length, so every position is
     * trained): about 0.8 M weights, for quick CPU work and tests.
     */
    NANO(4, 4, 128, 128),
    /** DistilGPT-2's shape: 6 layers × 12 heads, width 768, 1024 positions. */
    DISTILGPT2(6, 12, 768, 1024),
    /** GPT-2 small's shape: 12 layers × 12 heads, width 768, 1024 positions. */
    GPT2(12, 12, 768, 1024);

    private final int numLayers;
    private final int numHeads;
    private final int width;
    private final int maxPositions;

    Gpt2Preset(int numLayers, int numHeads, int width, int maxPositions) {
        this.numLayers = numLayers;
        this.numHeads = numHeads;
        this.width = width;
        this.maxPositions = maxPositions;
    }

    /** Query heads per layer. */
    public int numHeads() {
        return numHeads;
    }

    public Gpt2Config config(int vocabSize) {
        return Gpt2Config.of(vocabSize, maxPositions, numLayers, numHeads, width);
    }
}
