package ai.sentinel.train;

/**
 * One optimizer step as measured: loss before the update, rate used, gradient norm before clipping,
 * speed.
 */
public record StepStats(
        long step,
        long totalSteps,
        float loss,
        float learningRate,
        double gradNorm,
        double tokensPerSecond,
        double elapsedSeconds) {}
