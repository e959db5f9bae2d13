package ai.sentinel.eval;

/**
 * How to pick each new token.
 *
 * @param temperature 0 for greedy decoding, else logits are divided by it
 * @param topK keep the k most likely tokens (0 = all)
 * @param topP keep the smallest set of most likely tokens whose probability reaches p (1 = all)
 * @param stopAtEndOfText stop when the end-of-text token is generated
 */
public record SamplingConfig(
        float temperature,
        int topK,
        float topP,
        int maxNewTokens,
        long seed,
        boolean stopAtEndOfText) {
    public SamplingConfig {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
    }
}
