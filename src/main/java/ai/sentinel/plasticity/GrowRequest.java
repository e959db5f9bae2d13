package ai.sentinel.plasticity;

/**
 * One growth step.
 *
 * @param count heads to grow back (capped at the number pruned)
 * @param startGate the gate new heads start with (the warm-up's s0 in a cycle; 1 for a standalone
 *     step)
 */
public record GrowRequest(
        GrowthMethod method,
        int count,
        GrowthInit init,
        float startGate,
        float initialScale,
        long seed) {
    public GrowRequest {
        if (count < 0) {
            throw new IllegalArgumentException("growth count must be >= 0, got " + count);
        }
    }
}
