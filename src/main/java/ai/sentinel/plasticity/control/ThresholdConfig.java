package ai.sentinel.plasticity.control;

import ai.sentinel.plasticity.PruneMode;

/**
 * The threshold rules' settings; messages name the options that set them.
 *
 * <p>A low-entropy threshold below the high one gives hysteresis: a revived head does not at once
 * meet the pruning rule again. It is not enforced: a quantile and an absolute value cannot be
 * compared before measuring, and forcing decisions (in tests, or to probe a model) needs crossed
 * thresholds.
 *
 * @param highEntropy an active head is pruned when its entropy is above this …
 * @param gradient … and its gradient norm below this
 * @param revive a pruned head is revived when its sensitivity is above this …
 * @param lowEntropy … and its entropy (mask lifted) below this
 * @param minZeroIntervals … once it has stayed pruned at least this many controller intervals
 * @param pruneRateLimit at most this fraction of the active heads pruned in one interval
 * @param maxPrunedFraction never more than this fraction of all heads pruned (masked or removed)
 * @param mode adaptive masks (revivable), compressed removes heads for good (no revival)
 */
public record ThresholdConfig(
        Threshold highEntropy,
        Threshold gradient,
        Threshold revive,
        Threshold lowEntropy,
        int minZeroIntervals,
        double pruneRateLimit,
        double maxPrunedFraction,
        PruneMode mode) {
    public ThresholdConfig {
        require(
                minZeroIntervals >= 0,
                "--min-zero-intervals must be >= 0, got " + minZeroIntervals);
        require(
                pruneRateLimit >= 0 && pruneRateLimit <= 1,
                "--prune-rate-limit must be in [0, 1], got " + pruneRateLimit);
        require(
                maxPrunedFraction >= 0 && maxPrunedFraction < 1,
                "--max-pruned-fraction must be in [0, 1), got " + maxPrunedFraction);
        require(mode != null, "--pruning-mode must be ADAPTIVE or COMPRESSED");
    }

    /** The defaults of {@code sentinel train --controller threshold}. */
    public static ThresholdConfig defaults() {
        return new ThresholdConfig(
                Threshold.quantile(0.9),
                Threshold.quantile(0.5),
                Threshold.quantile(0.5),
                Threshold.quantile(0.5),
                2,
                0.1,
                0.5,
                PruneMode.ADAPTIVE);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
