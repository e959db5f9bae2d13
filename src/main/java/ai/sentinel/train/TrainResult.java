package ai.sentinel.train;

import ai.sentinel.eval.EvalResult;

/**
 * How a run ended: steps done, last training loss, final validation result, and whether it was
 * stopped early.
 */
public record TrainResult(
        long steps,
        float lastLoss,
        EvalResult validation,
        boolean stoppedEarly,
        double tokensPerSecond) {}
