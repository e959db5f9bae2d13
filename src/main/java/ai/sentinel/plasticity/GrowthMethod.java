package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.HeadId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The growth strategies, chosen by name. */
public enum GrowthMethod {
    /**
     * Highest {@code |∂L/∂g_h|} with the head's mask lifted and its gate at 0: how fast the loss
     * would fall if the head came back. Real per-head scores from a backward pass, not ties.
     */
    GRADIENT_SENSITIVITY,
    /**
     * Largest entropy gap: the layer's mean normalised entropy over its active heads minus the
     * candidate's own (measured with its mask lifted) — heads that would attend more sharply than
     * their layer does now.
     */
    ENTROPY_GAP,
    /**
     * Layers with the fewest active heads first (layers with none included); seeded order within a
     * layer.
     */
    BALANCED,
    /** A seeded random order: the baseline. */
    RANDOM,
    /** Highest importance {@code |∂L/∂g_h|} with the mask lifted at gate 1 (Michel et al. 2019). */
    IMPORTANCE;

    public GrowthStrategy strategy() {
        return switch (this) {
            case GRADIENT_SENSITIVITY ->
                    in ->
                            HeadRanking.ordered(
                                    in.atZeroGate().importance(), in.candidates(), in.seed());
            case ENTROPY_GAP -> GrowthMethod::byEntropyGap;
            case BALANCED -> GrowthMethod::balanced;
            case RANDOM -> in -> HeadRanking.ordered(constant(in), in.candidates(), in.seed());
            case IMPORTANCE ->
                    in ->
                            HeadRanking.ordered(
                                    in.atFullGate().importance(), in.candidates(), in.seed());
        };
    }

    private static HeadScores constant(GrowthInputs in) {
        double[][] v = in.atZeroGate().importance().copy();
        for (HeadId h : in.candidates()) {
            v[h.layer()][h.head()] = 0;
        }
        return new HeadScores(v);
    }

    private static List<HeadId> byEntropyGap(GrowthInputs in) {
        HeadScores entropy = in.atZeroGate().normalizedEntropy();
        Map<Integer, double[]> layerSums =
                new HashMap<>(); // layer -> {sum, count} over active heads
        double allSum = 0;
        int allCount = 0;
        for (HeadId h : entropy.measured()) {
            if (!in.candidates().contains(h)) {
                layerSums.computeIfAbsent(h.layer(), k -> new double[2])[0] += entropy.get(h);
                layerSums.get(h.layer())[1]++;
                allSum += entropy.get(h);
                allCount++;
            }
        }
        double globalMean = allCount > 0 ? allSum / allCount : 1.0;
        double[][] gap = entropy.copy();
        for (HeadId h : in.candidates()) {
            double[] s = layerSums.get(h.layer());
            double layerMean = s != null && s[1] > 0 ? s[0] / s[1] : globalMean;
            gap[h.layer()][h.head()] = layerMean - entropy.get(h);
        }
        return HeadRanking.ordered(new HeadScores(gap), in.candidates(), in.seed());
    }

    private static List<HeadId> balanced(GrowthInputs in) {
        Map<Integer, Integer> active = new HashMap<>(in.activePerLayer());
        Map<Integer, List<HeadId>> byLayer = new HashMap<>();
        for (HeadId h : HeadRanking.ordered(constant(in), in.candidates(), in.seed())) {
            byLayer.computeIfAbsent(h.layer(), k -> new ArrayList<>()).add(h);
        }
        SplittableRandom random = new SplittableRandom(in.seed());
        Map<Integer, Double> layerKey = new HashMap<>();
        byLayer.keySet().stream().sorted().forEach(l -> layerKey.put(l, random.nextDouble()));
        List<HeadId> order = new ArrayList<>();
        while (order.size() < in.candidates().size()) {
            int layer =
                    byLayer.entrySet().stream()
                            .filter(e -> !e.getValue().isEmpty())
                            .map(Map.Entry::getKey)
                            .min(
                                    (a, b) ->
                                            active.getOrDefault(a, 0)
                                                            .equals(active.getOrDefault(b, 0))
                                                    ? Double.compare(
                                                            layerKey.get(a), layerKey.get(b))
                                                    : Integer.compare(
                                                            active.getOrDefault(a, 0),
                                                            active.getOrDefault(b, 0)))
                            .orElseThrow();
            order.add(byLayer.get(layer).remove(0));
            active.merge(layer, 1, Integer::sum);
        }
        return order;
    }
}
