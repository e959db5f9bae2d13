package ai.sentinel.plasticity;

/** How a regrown head's weights start. */
public enum GrowthInit {
    /**
     * The model's output is unchanged at the instant of growth: the head's rows of the output
     * projection start at 0 (so it contributes nothing yet, while its gradients are real), its
     * q/k/v keep their stored weights or, for a removed head, start ~ N(0, 0.02).
     */
    FUNCTION_PRESERVING,
    /** The stored weights as they were when the head was masked (adaptive pruning only). */
    REVIVE,
    /** A copy of the layer's most important active head, plus small noise. */
    COPY,
    /** Stored (or fresh N(0, 0.02)) weights multiplied by {@code initialScale}. */
    SCALED
}
