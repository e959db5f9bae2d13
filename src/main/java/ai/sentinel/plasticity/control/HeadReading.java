package ai.sentinel.plasticity.control;

/**
 * One head's numbers at a controller interval, averaged over the measured validation batches.
 *
 * @param entropy normalised attention entropy (per query row over its visible keys; 1.0 is uniform)
 * @param gradientNorm Σ of the Frobenius norms of the head's weight-slice gradients (NaN for a
 *     pruned head: measured at gate 0 its weights get no gradient)
 * @param sensitivity {@code E|∂L/∂g|}: for a pruned head measured with its mask lifted at gate 0,
 *     how much the loss would move if it came back
 */
public record HeadReading(double entropy, double gradientNorm, double sensitivity) {}
