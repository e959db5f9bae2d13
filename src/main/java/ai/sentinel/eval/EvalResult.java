package ai.sentinel.eval;

/** Mean next-token cross-entropy in nats over {@code tokens} targets, and its perplexity {@code exp(loss)}. */
public record EvalResult(double loss, long tokens) {
    public double perplexity() {
        return Math.exp(loss);
    }
}
