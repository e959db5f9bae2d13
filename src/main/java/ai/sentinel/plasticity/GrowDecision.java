package ai.sentinel.plasticity;

import ai.sentinel.model.HeadId;

/**
 * One head a growth step chose ({@code rank} 0 first), how it was initialised, and the probe
 * measurements that chose it: importance at a near-zero gate (gradient sensitivity) and at a full
 * gate, and normalised entropy.
 */
public record GrowDecision(
        HeadId head,
        GrowthMethod strategy,
        GrowthInit init,
        int rank,
        double gradientSensitivity,
        double importanceAtFullGate,
        double normalizedEntropy) {}
