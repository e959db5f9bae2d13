package ai.sentinel.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Removing and re-inserting heads, the same for every family: each layer's {@link AttentionLayout}
 * says how its parameters change (kept blocks move, new ones are zero) and the family only rebuilds
 * its attention for the new present heads. Runs outside any NDScope.
 */
public final class HeadSurgery {
    /**
     * What a family does once layer {@code layer}'s parameters hold exactly the heads {@code
     * present}.
     */
    @FunctionalInterface
    public interface Rebuild {
        void presentHeadsChanged(int layer, int[] present);
    }

    private HeadSurgery() {}

    /**
     * Physically removes {@code heads} (which must be present) and masks them; a layer keeps at
     * least one head. Returns how each parameter was re-laid out, for the optimizer to follow.
     */
    public static List<HeadRemap> remove(
            CausalLm model, Collection<HeadId> heads, Rebuild rebuild) {
        List<HeadRemap> remaps = new ArrayList<>();
        for (Map.Entry<Integer, Set<Integer>> e : byLayer(heads).entrySet()) {
            int layer = e.getKey();
            int[] present = model.config().headsPresent(layer);
            int[] kept = Arrays.stream(present).filter(h -> !e.getValue().contains(h)).toArray();
            if (kept.length != present.length - e.getValue().size()) {
                throw new IllegalArgumentException(
                        "layer " + layer + " does not hold all of heads " + e.getValue());
            }
            remaps.addAll(relayout(model, layer, kept, rebuild));
        }
        heads.forEach(h -> model.gates().setMasked(h, true));
        return remaps;
    }

    /**
     * Puts removed heads back with zero slices (the grower initialises them); masks are left as
     * they are.
     */
    public static List<HeadRemap> insert(
            CausalLm model, Collection<HeadId> heads, Rebuild rebuild) {
        List<HeadRemap> remaps = new ArrayList<>();
        for (Map.Entry<Integer, Set<Integer>> e : byLayer(heads).entrySet()) {
            int layer = e.getKey();
            Set<Integer> present = new TreeSet<>();
            Arrays.stream(model.config().headsPresent(layer)).forEach(present::add);
            for (int h : e.getValue()) {
                if (!present.add(h)) {
                    throw new IllegalArgumentException(
                            "head " + new HeadId(layer, h) + " is already present");
                }
            }
            remaps.addAll(
                    relayout(
                            model,
                            layer,
                            present.stream().mapToInt(Integer::intValue).toArray(),
                            rebuild));
        }
        return remaps;
    }

    /**
     * The removed heads per layer once {@code layer} holds exactly {@code present}, from the map
     * before.
     */
    public static Map<Integer, Set<Integer>> removedAfter(
            Map<Integer, Set<Integer>> removedBefore, int numHeads, int layer, int[] present) {
        Map<Integer, Set<Integer>> removed = new TreeMap<>(removedBefore);
        Set<Integer> gone = new TreeSet<>();
        for (int h = 0; h < numHeads; h++) {
            if (AttentionLayout.indexOf(present, h) < 0) {
                gone.add(h);
            }
        }
        removed.put(layer, gone);
        return removed;
    }

    private static List<HeadRemap> relayout(
            CausalLm model, int layer, int[] newPresent, Rebuild rebuild) {
        if (newPresent.length == 0) {
            throw new IllegalArgumentException(
                    "removing every head of layer " + layer + " is not allowed");
        }
        List<HeadRemap> remaps =
                model.attentionLayout(layer).remaps(model.config().headsPresent(layer), newPresent);
        for (HeadRemap r : remaps) {
            r.parameter().replace(r.apply(r.parameter().value()));
        }
        rebuild.presentHeadsChanged(layer, newPresent);
        return remaps;
    }

    private static Map<Integer, Set<Integer>> byLayer(Collection<HeadId> heads) {
        Map<Integer, Set<Integer>> map = new TreeMap<>();
        heads.forEach(h -> map.computeIfAbsent(h.layer(), k -> new TreeSet<>()).add(h.head()));
        return map;
    }
}
