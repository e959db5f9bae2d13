package ai.sentinel.metrics;

/** How a meter treats masked heads. */
public enum MaskedHeads {
    /** Measured as they are: no output, so no gradient and no importance. */
    AS_IS,
    /**
     * Mask lifted with the gate at 0 for the pass: the model's output is unchanged, but {@code
     * ∂L/∂g} says how much the loss would move if the head came back (what growth needs). Restored
     * afterwards.
     */
    LIFTED_AT_ZERO_GATE,
    /**
     * Mask lifted with the gate at 1 for the pass: the head takes part as if it had never been
     * pruned, and its importance {@code |∂L/∂g|} is Michel et al.'s at that point. Restored
     * afterwards.
     */
    LIFTED_AT_FULL_GATE
}
