package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which query heads pruning may take from a grouped-query model ({@code --gqa-policy}). A head is a
 * query head; its key/value group is removed (compressed mode) only when all its query heads are.
 * For a model without grouped-query attention (one query head per group) {@code group} and {@code
 * query} choose alike.
 */
public enum GqaPolicy {
    /** Any query heads, by the strategy's global ranking. */
    QUERY,
    /**
     * Whole groups, ranked by the mean priority of their active query heads: a group leaves as a
     * whole, so its cost is the sum of its heads' and, groups being of equal size, the mean ranks
     * them as the sum does; the maximum would let one idle head take its useful neighbours along.
     * The request's head count is rounded to whole groups.
     */
    GROUP,
    /**
     * The same number of query heads from every group of a layer (the highest-priority heads of
     * each group), keeping every group; with uniform layers, the same number in every layer: the
     * shape a standard config can express (the Minitron recipe: keep the key/value groups, remove
     * query heads). Layers take turns by the mean priority of the heads the next step would remove.
     */
    BALANCED;

    public static GqaPolicy of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--gqa-policy " + name + " is not a policy; accepted: query, group, balanced");
        }
    }

    /**
     * The heads to prune under this policy, for the non-query policies; at most {@code count}
     * (whole groups: the nearest whole number), never below one active head per layer nor above
     * {@code allowed} in all.
     */
    List<HeadId> select(
            CausalLm model,
            HeadScores priorities,
            List<HeadId> active,
            int count,
            int allowed,
            boolean uniformLayers) {
        Map<Integer, List<List<HeadId>>> groups = groupsByLayer(model, priorities, active);
        int budget = Math.max(0, Math.min(count, allowed));
        return switch (this) {
            case QUERY -> throw new IllegalStateException("query pruning ranks heads globally");
            case GROUP -> wholeGroups(groups, priorities, count, allowed);
            case BALANCED -> balanced(groups, priorities, budget, uniformLayers);
        };
    }

    /** Per layer, each group's active heads, highest priority first. */
    private static Map<Integer, List<List<HeadId>>> groupsByLayer(
            CausalLm model, HeadScores priorities, List<HeadId> active) {
        Map<Integer, Map<Integer, List<HeadId>>> byGroup = new TreeMap<>();
        for (HeadId h : active) {
            byGroup.computeIfAbsent(h.layer(), l -> new TreeMap<>())
                    .computeIfAbsent(
                            model.attentionLayout(h.layer()).group(h.head()),
                            g -> new ArrayList<>())
                    .add(h);
        }
        Map<Integer, List<List<HeadId>>> out = new TreeMap<>();
        byGroup.forEach(
                (layer, groups) -> {
                    List<List<HeadId>> list = new ArrayList<>();
                    for (List<HeadId> members : groups.values()) {
                        members.sort(
                                Comparator.comparingDouble((HeadId h) -> -priorities.get(h))
                                        .thenComparing(Comparator.naturalOrder()));
                        list.add(members);
                    }
                    out.put(layer, list);
                });
        return out;
    }

    private static double mean(List<HeadId> heads, HeadScores priorities) {
        return heads.stream().mapToDouble(priorities::get).average().orElse(Double.NaN);
    }

    private static List<HeadId> wholeGroups(
            Map<Integer, List<List<HeadId>>> groups,
            HeadScores priorities,
            int count,
            int allowed) {
        List<List<HeadId>> all = new ArrayList<>();
        groups.values().forEach(all::addAll);
        all.sort(
                Comparator.comparingDouble((List<HeadId> g) -> -mean(g, priorities))
                        .thenComparing(g -> g.get(0)));
        Map<Integer, Integer> groupsLeft = new TreeMap<>();
        groups.forEach((layer, list) -> groupsLeft.put(layer, list.size()));
        List<HeadId> chosen = new ArrayList<>();
        for (List<HeadId> group : all) {
            int layer = group.get(0).layer();
            boolean nearer = Math.abs(count - chosen.size() - group.size()) < count - chosen.size();
            if (nearer && chosen.size() + group.size() <= allowed && groupsLeft.get(layer) > 1) {
                chosen.addAll(group);
                groupsLeft.merge(layer, -1, Integer::sum);
            }
        }
        return chosen;
    }

    private static List<HeadId> balanced(
            Map<Integer, List<List<HeadId>>> groups,
            HeadScores priorities,
            int budget,
            boolean uniformLayers) {
        Map<Integer, Integer> perGroup = new TreeMap<>();
        groups.keySet().forEach(l -> perGroup.put(l, 0));
        int taken = 0;
        while (true) {
            // the next step of each layer: one more head from every group, each keeping one
            List<Integer> bestLayers = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            List<List<Integer>> options = new ArrayList<>();
            if (uniformLayers) {
                options.add(new ArrayList<>(groups.keySet()));
            } else {
                groups.keySet().forEach(l -> options.add(List.of(l)));
            }
            for (List<Integer> layers : options) {
                List<HeadId> step = new ArrayList<>();
                boolean possible = true;
                for (int layer : layers) {
                    int k = perGroup.get(layer);
                    for (List<HeadId> group : groups.get(layer)) {
                        if (k + 1 >= group.size()) {
                            possible = false;
                        } else {
                            step.add(group.get(k));
                        }
                    }
                }
                if (possible && taken + step.size() <= budget) {
                    double score = mean(step, priorities);
                    if (score > bestScore) {
                        bestScore = score;
                        bestLayers = layers;
                    }
                }
            }
            if (bestLayers == null) {
                break;
            }
            for (int layer : bestLayers) {
                perGroup.merge(layer, 1, Integer::sum);
                taken += groups.get(layer).size();
            }
        }
        List<HeadId> chosen = new ArrayList<>();
        perGroup.forEach(
                (layer, k) -> {
                    for (List<HeadId> group : groups.get(layer)) {
                        chosen.addAll(group.subList(0, k));
                    }
                });
        return chosen;
    }
}
