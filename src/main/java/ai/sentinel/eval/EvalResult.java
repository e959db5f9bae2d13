package ai.sentinel.eval;

/**
 * Mean next-token cross-entropy in nats over {@code tokens} targets, its perplexity {@code
 * exp(loss)}, and the mean loss of each validation sequence, in evaluation order (every evaluation
 * of a run sees the same sequences in the same order, so two evaluations can be compared sequence
 * by sequence).
 */
public record EvalResult(double loss, long tokens, double[] sequenceLosses) {
    public double perplexity() {
        return Math.exp(loss);
    }

    /**
     * Standard error of {@link #loss()} over sequences: the sample standard deviation of the
     * per-sequence losses over √n. Sequences are equally long, so their mean is the token-weighted
     * loss. NaN below two sequences.
     */
    public double standardError() {
        return Statistics.standardError(sequenceLosses);
    }
}
