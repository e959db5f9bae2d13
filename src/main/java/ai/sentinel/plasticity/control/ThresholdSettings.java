package ai.sentinel.plasticity.control;

import ai.sentinel.plasticity.GrowthSchedule;

/**
 * Everything a threshold controller runs by.
 *
 * @param rules what it prunes and revives
 * @param interval optimizer steps between measurements ({@code --controller-interval})
 * @param batches validation batches per measurement ({@code --controller-batches}): each costs one
 *     forward and backward pass
 * @param batchSize blocks per measuring batch (the run's training batch size)
 * @param revival gate warm-up and learning-rate boost of revived heads
 */
public record ThresholdSettings(
        ThresholdConfig rules, int interval, int batches, int batchSize, GrowthSchedule revival) {
    public ThresholdSettings {
        if (interval < 1) {
            throw new IllegalArgumentException(
                    "--controller-interval must be >= 1 step, got " + interval);
        }
        if (batches < 1) {
            throw new IllegalArgumentException("--controller-batches must be >= 1, got " + batches);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
    }
}
