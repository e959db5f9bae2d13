package ai.sentinel.plasticity.control;

import ai.sentinel.plasticity.PruneMode;

/**
 * How the learned-gate controller runs.
 *
 * @param learningRate the gate logits' own Adam rate; λ ascends at it too when a target is set
 * @param warmupSteps steps with the sparsity penalty off (the gates learn from the loss alone)
 * @param sparsity a fixed penalty weight, or a target fraction of open gates that λ is adjusted to
 * @param updateFrequency steps between pruning checks
 * @param gateThreshold a head whose deterministic gate is below this at a check counts a check
 * @param patience consecutive checks below the threshold that prune a head
 * @param mode masked (adaptive) or removed (compressed) when pruned
 * @param initialLogAlpha every gate's starting logit; the default 3 opens the deterministic gate
 *     fully (ẑ = 1 from log α ≈ 2.4) so the controller starts from the model as it is
 */
public record LearnedGateConfig(
        double learningRate,
        int warmupSteps,
        Sparsity sparsity,
        int updateFrequency,
        double gateThreshold,
        int patience,
        PruneMode mode,
        double initialLogAlpha) {
    public static final double DEFAULT_INITIAL_LOG_ALPHA = 3.0;

    /** What pulls the gates shut. */
    public sealed interface Sparsity permits FixedPenalty, TargetActive {}

    /** Loss + λ × E[number of open gates], λ fixed. */
    public record FixedPenalty(double lambda) implements Sparsity {
        public FixedPenalty {
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("the penalty must be >= 0, got " + lambda);
            }
        }
    }

    /**
     * Loss + λ₁(ŝ − t) + λ₂(ŝ − t)², ŝ the expected fraction of open gates, with λ₁ and λ₂ raised
     * by gradient ascent so that ŝ reaches t (CoFi's Lagrangian). The target itself moves from 1 to
     * {@code fraction} over {@code rampSteps} steps after the warm-up, as CoFi and Sheared-LLaMA
     * ramp theirs: aimed at a far target at once, the multiplier overshoots it.
     */
    public record TargetActive(double fraction, int rampSteps) implements Sparsity {
        public TargetActive {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException(
                        "the target active fraction must be in (0, 1], got " + fraction);
            }
            if (rampSteps < 0) {
                throw new IllegalArgumentException(
                        "the target's ramp must be >= 0 steps, got " + rampSteps);
            }
        }

        /** The target {@code stepsPenalised} steps after the warm-up. */
        public double at(long stepsPenalised) {
            double progress =
                    rampSteps == 0 ? 1 : Math.min(1.0, (double) stepsPenalised / rampSteps);
            return 1 - (1 - fraction) * progress;
        }
    }

    public LearnedGateConfig {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    "the controller learning rate must be > 0, got " + learningRate);
        }
        if (warmupSteps < 0 || updateFrequency < 1 || patience < 1) {
            throw new IllegalArgumentException(
                    "warm-up steps must be >= 0, update frequency and patience >= 1, got "
                            + warmupSteps
                            + ", "
                            + updateFrequency
                            + ", "
                            + patience);
        }
        if (!(gateThreshold >= 0 && gateThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "the gate threshold must be in [0, 1], got " + gateThreshold);
        }
        if (sparsity == null || mode == null || !Double.isFinite(initialLogAlpha)) {
            throw new IllegalArgumentException(
                    "sparsity, pruning mode and a finite initial logit are required");
        }
    }
}
