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
    SCALED,
    /**
     * Knowledge transfer through the U-Net skips (models with {@code --unet} only): the head's
     * query, key and value projections are the d leading principal directions of the skip-fused
     * features that join its layer and the mirror layer, measured on the validation batches ({@link
     * SkipTransfer}), scaled to the layer's typical head norm; its output slice and biases start at
     * 0, so growth stays function-preserving. A key/value group another active head reads is kept.
     */
    SKIP_TRANSFER
}
