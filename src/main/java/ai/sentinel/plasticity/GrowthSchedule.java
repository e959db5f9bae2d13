package ai.sentinel.plasticity;

/**
 * How a regrown head is integrated.
 *
 * <pre>
 *   gate warm-up:       s(t) = min(1, s0 + (1 − s0)·t/T)                     t = optimizer steps since growth
 *   learning-rate boost: r(t) = 1 + (m − 1)·max(0, 1 − t/D)                  (m at growth, back to 1 after D steps)
 * </pre>
 *
 * @param startGate s0 (default 0.01)
 * @param gateWarmupSteps T (default 100)
 * @param lrMultiplier m (default 5)
 * @param lrDecaySteps D (default 100)
 */
public record GrowthSchedule(
        float startGate, int gateWarmupSteps, float lrMultiplier, int lrDecaySteps) {
    public GrowthSchedule {
        if (!(startGate >= 0 && startGate <= 1)) {
            throw new IllegalArgumentException("start gate must be in [0, 1], got " + startGate);
        }
        if (gateWarmupSteps < 1 || lrDecaySteps < 1) {
            throw new IllegalArgumentException("warm-up and decay steps must be >= 1");
        }
        if (!(lrMultiplier > 0)) {
            throw new IllegalArgumentException(
                    "new-head learning-rate multiplier must be > 0, got " + lrMultiplier);
        }
    }

    public static GrowthSchedule defaults() {
        return new GrowthSchedule(0.01f, 100, 5f, 100);
    }

    /**
     * This schedule with the warm-up and the rate decay no longer than {@code phaseSteps} (itself
     * when they fit).
     */
    public GrowthSchedule fittedTo(int phaseSteps) {
        if (phaseSteps < 1 || gateWarmupSteps <= phaseSteps && lrDecaySteps <= phaseSteps) {
            return this;
        }
        return new GrowthSchedule(
                startGate,
                Math.min(gateWarmupSteps, phaseSteps),
                lrMultiplier,
                Math.min(lrDecaySteps, phaseSteps));
    }

    public float gate(long stepsSinceGrowth) {
        return (float)
                Math.min(1.0, startGate + (1.0 - startGate) * stepsSinceGrowth / gateWarmupSteps);
    }

    public float rateMultiplier(long stepsSinceGrowth) {
        return (float)
                (1
                        + (lrMultiplier - 1)
                                * Math.max(0.0, 1.0 - (double) stepsSinceGrowth / lrDecaySteps));
    }
}
