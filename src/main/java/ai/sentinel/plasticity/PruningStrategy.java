package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadScores;

/** Decides which heads to prune first. Pure: reads measurements, never touches the model. */
public interface PruningStrategy {
    /** A priority per measured head: the highest are pruned first. */
    HeadScores priorities(HeadMeasurements measurements);

    /** Whether the same number of heads must be pruned in every layer. */
    default boolean samePerLayer() {
        return false;
    }
}
