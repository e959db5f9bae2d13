package ai.sentinel.train;

/**
 * One optimizer step as measured: loss before the update, rate used, gradient norm before clipping,
 * speed, and the heads active after it (of all head slots, removed ones included).
 */
public record StepStats(
        long step,
        long totalSteps,
        float loss,
        float learningRate,
        double gradNorm,
        double tokensPerSecond,
        double elapsedSeconds,
        int activeHeads,
        int totalHeads) {
    /** The fraction of heads pruned (masked or removed): 1 − active / total. */
    public double sparsity() {
        return 1.0 - (double) activeHeads / totalHeads;
    }
}
