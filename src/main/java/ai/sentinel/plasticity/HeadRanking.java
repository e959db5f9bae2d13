package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.HeadId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One global ranking of candidate heads by priority (highest first) with guards: every layer keeps
 * at least {@code minActivePerLayer} active heads, and no more than {@code maxPrunedFraction} of
 * all heads end up pruned. Equal priorities are ordered by a seeded random key, and groups of equal
 * priority that the cut splits are reported as ties.
 */
public final class HeadRanking {
    /** What was chosen, in order, and the tie groups the cut split. */
    public record Selection(List<HeadId> chosen, List<List<HeadId>> tiesAtCut) {}

    private final int minActivePerLayer;
    private final double maxPrunedFraction;

    public HeadRanking(int minActivePerLayer, double maxPrunedFraction) {
        if (minActivePerLayer < 1) {
            throw new IllegalArgumentException(
                    "every layer must keep at least 1 active head, got " + minActivePerLayer);
        }
        if (!(maxPrunedFraction >= 0 && maxPrunedFraction < 1)) {
            throw new IllegalArgumentException(
                    "maximum pruned fraction must be in [0, 1), got " + maxPrunedFraction);
        }
        this.minActivePerLayer = minActivePerLayer;
        this.maxPrunedFraction = maxPrunedFraction;
    }

    /**
     * @param active the heads that may be pruned now
     * @param totalHeads all heads of the model (L × H)
     * @param alreadyPruned heads pruned before this call
     */
    public Selection select(
            HeadScores priorities,
            Collection<HeadId> active,
            int count,
            int totalHeads,
            int alreadyPruned,
            long seed,
            boolean samePerLayer) {
        int allowed = (int) Math.floor(maxPrunedFraction * totalHeads + 1e-9) - alreadyPruned;
        int target = Math.max(0, Math.min(count, allowed));
        List<HeadId> order = ordered(priorities, active, seed);
        Map<Integer, Integer> activeLeft = new HashMap<>();
        active.forEach(h -> activeLeft.merge(h.layer(), 1, Integer::sum));
        Map<Integer, Integer> quota =
                samePerLayer ? perLayerQuota(activeLeft, target) : new HashMap<>();
        List<HeadId> chosen = new ArrayList<>();
        for (HeadId h : order) {
            if (chosen.size() == target) {
                break;
            }
            boolean layerRoom = activeLeft.get(h.layer()) > minActivePerLayer;
            boolean quotaRoom = !samePerLayer || quota.getOrDefault(h.layer(), 0) > 0;
            if (layerRoom && quotaRoom) {
                chosen.add(h);
                activeLeft.merge(h.layer(), -1, Integer::sum);
                quota.computeIfPresent(h.layer(), (k, v) -> v - 1);
            }
        }
        return new Selection(List.copyOf(chosen), tiesAtCut(priorities, active, chosen));
    }

    /** Candidates by priority, highest first; ties in a seeded random order. */
    static List<HeadId> ordered(HeadScores priorities, Collection<HeadId> candidates, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<HeadId, Double> key = new TreeMap<>();
        for (HeadId h : new java.util.TreeSet<>(candidates)) {
            key.put(h, random.nextDouble());
        }
        List<HeadId> order = new ArrayList<>(key.keySet());
        order.sort(
                Comparator.comparingDouble((HeadId h) -> -priorities.get(h))
                        .thenComparingDouble(key::get));
        return order;
    }

    /**
     * An equal share per layer (the remainder to the layers with most active heads, then lowest
     * index).
     */
    private Map<Integer, Integer> perLayerQuota(Map<Integer, Integer> activeLeft, int target) {
        Map<Integer, Integer> quota = new TreeMap<>();
        int layers = activeLeft.size();
        List<Integer> byActive = new ArrayList<>(new TreeMap<>(activeLeft).keySet());
        byActive.sort(Comparator.comparingInt((Integer l) -> -activeLeft.get(l)));
        for (int i = 0; i < layers; i++) {
            int layer = byActive.get(i);
            int share = target / layers + (i < target % layers ? 1 : 0);
            quota.put(layer, Math.min(share, activeLeft.get(layer) - minActivePerLayer));
        }
        return quota;
    }

    private static List<List<HeadId>> tiesAtCut(
            HeadScores priorities, Collection<HeadId> active, List<HeadId> chosen) {
        Map<Double, List<HeadId>> groups = new LinkedHashMap<>();
        for (HeadId h : new java.util.TreeSet<>(active)) {
            groups.computeIfAbsent(priorities.get(h), k -> new ArrayList<>()).add(h);
        }
        List<List<HeadId>> ties = new ArrayList<>();
        for (List<HeadId> group : groups.values()) {
            long picked = group.stream().filter(chosen::contains).count();
            if (group.size() > 1 && picked > 0 && picked < group.size()) {
                ties.add(List.copyOf(group));
            }
        }
        return ties;
    }
}
