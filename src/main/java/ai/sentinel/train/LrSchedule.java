package ai.sentinel.train;

/**
 * Learning rate per optimizer step: linear warm-up from {@code base/warmupSteps} to {@code base}
 * over {@code warmupSteps}, then a decay to {@code base·minFraction} at {@code totalSteps}.
 */
public record LrSchedule(
        float base, int warmupSteps, int totalSteps, Decay decay, float minFraction) {
    /** Shape of the decay after warm-up. */
    public enum Decay {
        COSINE,
        LINEAR,
        CONSTANT
    }

    public LrSchedule {
        if (!(base > 0) || Float.isInfinite(base)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + base);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException(
                    "the number of training steps must be >= 1, got " + totalSteps);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException(
                    "learning-rate warm-up steps must be >= 0, got " + warmupSteps);
        }
        if (!(minFraction >= 0 && minFraction <= 1)) {
            throw new IllegalArgumentException(
                    "minimum learning-rate fraction must be in [0, 1], got " + minFraction);
        }
    }

    public static LrSchedule constant(float rate) {
        return new LrSchedule(rate, 0, 1, Decay.CONSTANT, 1f);
    }

    /** The rate of step {@code step} (0-based). */
    public float rate(long step) {
        if (step < warmupSteps) {
            return base * (step + 1) / warmupSteps;
        }
        if (decay == Decay.CONSTANT || totalSteps <= warmupSteps) {
            return base;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        double shape =
                decay == Decay.COSINE ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
        return (float) (base * (minFraction + (1 - minFraction) * shape));
    }
}
