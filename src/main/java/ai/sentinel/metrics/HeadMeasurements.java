package ai.sentinel.metrics;

/**
 * Everything one measuring pass yields, per head.
 *
 * @param entropy mean attention entropy in nats over query rows with at least two keys
 * @param normalizedEntropy the same with each row divided by ln |J_i| (1.0 = uniform over the
 *     visible keys)
 * @param gradientNorm Σ of the Frobenius norms of the head's weight-slice gradients, averaged over
 *     batches
 * @param magnitude Σ of the Frobenius norms of the head's weight slices
 * @param importance {@code E|∂L/∂g_h|} over batches (Michel et al. 2019)
 * @param batches how many batches were measured
 */
public record HeadMeasurements(
        HeadScores entropy,
        HeadScores normalizedEntropy,
        HeadScores gradientNorm,
        HeadScores magnitude,
        HeadScores importance,
        int batches) {
    /**
     * The same measurements with importance L2-normalised within each layer (Michel et al. 2019).
     */
    public HeadMeasurements withImportanceNormalizedPerLayer() {
        return new HeadMeasurements(
                entropy,
                normalizedEntropy,
                gradientNorm,
                magnitude,
                importance.l2NormalizedPerLayer(),
                batches);
    }
}
