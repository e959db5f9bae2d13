package ai.sentinel.model;

/** The architecture of a loaded model, independent of its family. */
public interface ModelConfig {
    int numLayers();

    /**
     * Heads per layer in the original architecture; gates are indexed (layer, head) over this
     * range.
     */
    int numHeads();

    /**
     * Heads physically present in {@code layer} (fewer than {@link #numHeads()} once heads are
     * removed).
     */
    int numHeadsPresent(int layer);

    /** The original indices of the heads present in {@code layer}, ascending. */
    int[] headsPresent(int layer);

    /** Whether {@code head} is physically in the model (not removed by compressed pruning). */
    default boolean isPresent(HeadId head) {
        for (int h : headsPresent(head.layer())) {
            if (h == head.head()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Key/value groups per layer in the original architecture: {@code numHeads() / numKvHeads()}
     * query heads share each group's keys and values (grouped-query attention). Ordinary multi-head
     * attention has one group per head.
     */
    default int numKvHeads() {
        return numHeads();
    }

    int width();

    int headDim();

    int vocabSize();

    int maxPositions();
}
