package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;

/** Loss functions. */
@SuppressWarnings("LocalVariableName") // V: vocabulary size, as in the paper
public final class Losses {
    private Losses() {}

    /**
     * Summed negative log-likelihood of {@code targets} under {@code logits}: {@code Σ_n −log
     * softmax(z_n)[y_n]}. Summing (not averaging) lets callers weight by tokens across batches of
     * any size.
     *
     * @param logits (..., V), e.g. (B, T, V)
     * @param targets (...) int64, e.g. (B, T)
     * @return a scalar
     */
    public static NDArray crossEntropySum(NDArray logits, NDArray targets) {
        long V = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray logProbs = logits.reshape(-1, V).logSoftmax(-1); // (N, V)
        NDArray picked = logProbs.gather(targets.reshape(-1, 1), 1); // (N, 1)
        return picked.sum().neg();
    }

    /**
     * Summed negative log-likelihood per row: {@code Σ_t −log softmax(z_bt)[y_bt]} for each b.
     *
     * @param logits (B, T, V)
     * @param targets (B, T) int64
     * @return (B)
     */
    public static NDArray crossEntropyPerRow(NDArray logits, NDArray targets) {
        NDArray logProbs = logits.logSoftmax(-1); // (B, T, V)
        NDArray picked = logProbs.gather(targets.expandDims(-1), 2); // (B, T, 1)
        return picked.sum(new int[] {1, 2}).neg(); // (B)
    }
}
