package ai.sentinel.metrics;

/**
 * Everything one measuring pass yields, per head.
 *
 * <p>A head's weight slices are its own (query rows, output columns) and its key and value slices.
 * Under grouped-query attention the key/value slices belong to a group of query heads, so each head
 * is credited with a share: the group's norm divided by the group's present query heads. Under
 * ordinary multi-head attention the "share" is the head's own key/value slices, whole. The totals
 * ({@code gradientNorm}, {@code magnitude}) are what pruning strategies rank by; the {@code
 * KvShare} figures show how much of a total came from the shared slices.
 *
 * @param entropy mean attention entropy in nats over query rows with at least two keys
 * @param normalizedEntropy the same with each row divided by ln |J_i| (1.0 = uniform over the
 *     visible keys)
 * @param gradientNorm Σ of the Frobenius norms of the head's weight-slice gradients (own slices
 *     plus its key/value share), averaged over batches
 * @param gradientNormKvShare the key/value part of {@code gradientNorm}
 * @param magnitude Σ of the Frobenius norms of the head's weight slices (own plus key/value share)
 * @param magnitudeKvShare the key/value part of {@code magnitude}
 * @param importance {@code E|∂L/∂g_h|} over batches (Michel et al. 2019)
 * @param kvShared whether some layer's key/value heads serve more than one query head
 *     (grouped-query attention); only then is a key/value share less than the head's own slices,
 *     and worth showing apart
 * @param batches how many batches were measured
 */
public record HeadMeasurements(
        HeadScores entropy,
        HeadScores normalizedEntropy,
        HeadScores gradientNorm,
        HeadScores gradientNormKvShare,
        HeadScores magnitude,
        HeadScores magnitudeKvShare,
        HeadScores importance,
        boolean kvShared,
        int batches) {
    /** The gradient norm of the head's own slices (query rows, output columns) alone. */
    public HeadScores gradientNormOwn() {
        return gradientNorm.minus(gradientNormKvShare);
    }

    /** The magnitude of the head's own slices (query rows, output columns) alone. */
    public HeadScores magnitudeOwn() {
        return magnitude.minus(magnitudeKvShare);
    }

    /**
     * The same measurements with importance L2-normalised within each layer (Michel et al. 2019).
     */
    public HeadMeasurements withImportanceNormalizedPerLayer() {
        return new HeadMeasurements(
                entropy,
                normalizedEntropy,
                gradientNorm,
                gradientNormKvShare,
                magnitude,
                magnitudeKvShare,
                importance.l2NormalizedPerLayer(),
                kvShared,
                batches);
    }
}
