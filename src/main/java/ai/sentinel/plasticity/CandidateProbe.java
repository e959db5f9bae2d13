package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Measures growth candidates with their masks lifted, at gate 0 and at gate 1. A candidate removed
 * by compressed pruning has no weights to measure, so it is first inserted with fresh weights (N(0,
 * 0.02)) and masked, measured, and removed again: the other heads' slices are put back exactly as
 * they were.
 */
final class CandidateProbe {
    record Measured(HeadMeasurements atZeroGate, HeadMeasurements atFullGate) {}

    private CandidateProbe() {}

    static Measured measure(CausalLm model, Set<HeadId> candidates, HeadMeter meter, long seed) {
        List<HeadId> removed = new ArrayList<>();
        for (HeadId h : candidates) {
            if (!model.config().isPresent(h)) {
                removed.add(h);
            }
        }
        float[] gates = model.gates().gateValues();
        if (!removed.isEmpty()) {
            model.insertHeads(removed);
            Grower.initialiseFresh(model, removed, seed);
            removed.forEach(h -> model.gates().setMasked(h, true));
        }
        try {
            return new Measured(
                    meter.measure(model, MaskedHeads.LIFTED_AT_ZERO_GATE),
                    meter.measure(model, MaskedHeads.LIFTED_AT_FULL_GATE));
        } finally {
            if (!removed.isEmpty()) {
                model.removeHeads(removed);
            }
            int H = model.config().numHeads();
            for (HeadId h : removed) {
                model.gates().setGate(h, gates[h.layer() * H + h.head()]);
            }
        }
    }
}
