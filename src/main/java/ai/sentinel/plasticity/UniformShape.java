package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The largest shape with the same number of key/value groups in every layer and the same number of
 * active query heads in every kept group, that a model reaches by pruning further (never by
 * reviving): what a standard config can express ({@code sentinel export --format hf-compact
 * --equalize}). Among shapes keeping equally many heads per layer, the one with more groups wins: a
 * group that goes takes its key/value weights with it, so keeping groups keeps more of what was
 * learned (the Minitron recipe removes query heads and keeps groups).
 *
 * <p>Which heads go follows the priorities of a pruning strategy (highest pruned first): each kept
 * group keeps its {@code headsPerGroup} lowest-priority active heads, and a layer keeps the groups
 * whose kept heads have the lowest mean priority (as {@link GqaPolicy#GROUP} ranks groups).
 *
 * @param groups key/value groups kept in every layer
 * @param headsPerGroup active query heads kept in every kept group
 * @param toMask the active heads to mask to reach the shape, in (layer, head) order
 * @param layersBefore each layer's active heads per group before, as "layer l: n heads in g groups
 *     [..]" for messages
 */
public record UniformShape(
        int groups, int headsPerGroup, List<HeadId> toMask, List<String> layersBefore) {
    public UniformShape {
        toMask = List.copyOf(toMask);
        layersBefore = List.copyOf(layersBefore);
    }

    /** The shape {@code model}'s active heads can be pruned to, and the heads that go. */
    public static UniformShape of(CausalLm model, HeadScores priorities) {
        List<Map<Integer, List<HeadId>>> layers = activeByGroup(model, priorities);
        List<String> before = new ArrayList<>();
        int most = 0;
        for (int l = 0; l < layers.size(); l++) {
            before.add(describe(l, layers.get(l)));
            for (List<HeadId> members : layers.get(l).values()) {
                most = Math.max(most, members.size());
            }
        }
        int bestGroups = 0;
        int bestPerGroup = 0;
        for (int perGroup = 1; perGroup <= most; perGroup++) {
            int groups = Integer.MAX_VALUE;
            for (Map<Integer, List<HeadId>> layer : layers) {
                groups = Math.min(groups, eligible(layer, perGroup).size());
            }
            long kept = (long) groups * perGroup;
            long best = (long) bestGroups * bestPerGroup;
            if (kept > best || (kept == best && groups > bestGroups)) {
                bestGroups = groups;
                bestPerGroup = perGroup;
            }
        }
        if (bestGroups == 0) {
            throw new IllegalArgumentException(
                    "no uniform shape keeps a head in every layer: " + String.join("; ", before));
        }
        List<HeadId> toMask = new ArrayList<>();
        for (Map<Integer, List<HeadId>> layer : layers) {
            toMask.addAll(pruned(layer, bestGroups, bestPerGroup, priorities));
        }
        toMask.sort(Comparator.naturalOrder());
        return new UniformShape(bestGroups, bestPerGroup, toMask, before);
    }

    /** Masks {@link #toMask} in {@code model}. */
    public void apply(CausalLm model) {
        toMask.forEach(h -> model.gates().setMasked(h, true));
    }

    public int headsPerLayer() {
        return groups * headsPerGroup;
    }

    /** Per layer, each group's active heads (present and not masked), lowest priority first. */
    private static List<Map<Integer, List<HeadId>>> activeByGroup(
            CausalLm model, HeadScores priorities) {
        List<Map<Integer, List<HeadId>>> layers = new ArrayList<>();
        for (int l = 0; l < model.config().numLayers(); l++) {
            Map<Integer, List<HeadId>> groups = new TreeMap<>();
            for (int h : model.config().headsPresent(l)) {
                HeadId head = new HeadId(l, h);
                if (!model.gates().isMasked(head)) {
                    groups.computeIfAbsent(
                                    model.attentionLayout(l).group(h), g -> new ArrayList<>())
                            .add(head);
                }
            }
            groups.values()
                    .forEach(
                            members ->
                                    members.sort(
                                            Comparator.comparingDouble(priorities::get)
                                                    .thenComparing(Comparator.naturalOrder())));
            layers.add(groups);
        }
        return layers;
    }

    private static List<List<HeadId>> eligible(Map<Integer, List<HeadId>> layer, int perGroup) {
        return layer.values().stream().filter(members -> members.size() >= perGroup).toList();
    }

    /** The heads of one layer outside the {@code groups} best groups' {@code perGroup} best. */
    private static List<HeadId> pruned(
            Map<Integer, List<HeadId>> layer, int groups, int perGroup, HeadScores priorities) {
        List<List<HeadId>> candidates = new ArrayList<>(eligible(layer, perGroup));
        candidates.sort(
                Comparator.comparingDouble(
                                (List<HeadId> members) ->
                                        members.subList(0, perGroup).stream()
                                                .mapToDouble(priorities::get)
                                                .average()
                                                .orElseThrow())
                        .thenComparing(members -> members.get(0)));
        List<HeadId> kept = new ArrayList<>();
        candidates.subList(0, groups).forEach(m -> kept.addAll(m.subList(0, perGroup)));
        List<HeadId> out = new ArrayList<>();
        layer.values().forEach(members -> out.addAll(members));
        out.removeAll(kept);
        return out;
    }

    private static String describe(int layer, Map<Integer, List<HeadId>> groups) {
        int heads = groups.values().stream().mapToInt(List::size).sum();
        return "layer "
                + layer
                + ": "
                + heads
                + " heads in "
                + groups.size()
                + " groups "
                + groups.values().stream().map(List::size).toList();
    }
}
