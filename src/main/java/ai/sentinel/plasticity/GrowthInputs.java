package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.model.HeadId;
import java.util.Map;
import java.util.Set;

/**
 * What growth strategies decide from.
 *
 * @param candidates the pruned heads that may grow back
 * @param atZeroGate measurements with candidates' masks lifted and gates at 0 (output unchanged)
 * @param atFullGate measurements with candidates' masks lifted and gates at 1 (as if never pruned)
 * @param activePerLayer active heads per layer now (layers with none included, as 0)
 */
public record GrowthInputs(
        Set<HeadId> candidates,
        HeadMeasurements atZeroGate,
        HeadMeasurements atFullGate,
        Map<Integer, Integer> activePerLayer,
        long seed) {}
