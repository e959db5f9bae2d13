package ai.sentinel.plasticity;

import ai.sentinel.model.HeadId;

/** One head a pruning step chose, how, and its measurements when it was chosen. */
public record PruneDecision(
        HeadId head,
        PruningMethod strategy,
        PruneMode mode,
        double priority,
        double entropy,
        double normalizedEntropy,
        double gradientNorm,
        double magnitude,
        double importance) {}
