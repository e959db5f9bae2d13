package ai.sentinel.plasticity.control;

import ai.sentinel.model.HeadId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the threshold rules read at one interval: every head slot's status and the readings of the
 * heads measured (every active head; pruned heads with their mask lifted, where they could be).
 */
public record ThresholdInputs(
        int numLayers,
        int numHeads,
        Map<HeadId, HeadStatus> status,
        Map<HeadId, HeadReading> readings) {
    public ThresholdInputs {
        status = new TreeMap<>(status);
        readings = new TreeMap<>(readings);
        for (int l = 0; l < numLayers; l++) {
            for (int h = 0; h < numHeads; h++) {
                HeadId head = new HeadId(l, h);
                HeadStatus s = status.get(head);
                if (s == null) {
                    throw new IllegalArgumentException("no status for head " + head);
                }
                HeadReading r = readings.get(head);
                if (s.isActive()
                        && (r == null
                                || !Double.isFinite(r.entropy())
                                || !Double.isFinite(r.gradientNorm()))) {
                    throw new IllegalArgumentException(
                            "active head " + head + " has no finite entropy and gradient norm");
                }
            }
        }
        if (status.size() != numLayers * numHeads) {
            throw new IllegalArgumentException(
                    "status names heads outside " + numLayers + "×" + numHeads);
        }
    }

    /** The heads in {@code state}, in (layer, head) order. */
    public List<HeadId> heads(HeadStatus.State state) {
        return status.entrySet().stream()
                .filter(e -> e.getValue().state() == state)
                .map(Map.Entry::getKey)
                .toList();
    }

    public int totalHeads() {
        return numLayers * numHeads;
    }
}
