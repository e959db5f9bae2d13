package ai.sentinel.model;

import ai.sentinel.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How one attention layer's parameters hold its heads — the one description from which both a
 * head's slices and head surgery follow, for every family. Each projection lays blocks of {@code
 * headDim} elements along one axis, in sections of one role each: GPT-2's fused {@code c_attn} has
 * a query, a key and a value section; Llama's {@code k_proj} one key section. Query and output
 * sections hold one block per present query head; key and value sections one block per present
 * key/value group ({@code headsPerGroup} consecutive query heads share a group; 1 for ordinary
 * multi-head attention). Blocks follow the ascending original index of their owner.
 *
 * @param headDim elements per head along each projection's axis
 * @param headsPerGroup query heads per key/value group
 */
public record AttentionLayout(int headDim, int headsPerGroup, List<Projection> projections) {
    /**
     * A parameter holding heads along {@code axis}, in sections of the given roles; {@code weight}
     * false for biases.
     */
    public record Projection(
            Parameter parameter, int axis, List<HeadSlice.Role> sections, boolean weight) {}

    public AttentionLayout {
        if (headDim < 1 || headsPerGroup < 1) {
            throw new IllegalArgumentException("head dim and heads per group must be >= 1");
        }
        projections = List.copyOf(projections);
    }

    /**
     * The slices of query head {@code head}, which must be among {@code present} (original indices,
     * ascending).
     */
    public List<HeadSlice> slices(int head, int[] present) {
        if (indexOf(present, head) < 0) {
            throw new IllegalArgumentException("head " + head + " is not present in this layer");
        }
        List<HeadSlice> slices = new ArrayList<>();
        for (Projection p : projections) {
            long sectionStart = 0;
            for (HeadSlice.Role role : p.sections()) {
                int[] owners = owners(role, present);
                long start = sectionStart + (long) indexOf(owners, owner(role, head)) * headDim;
                slices.add(
                        new HeadSlice(p.parameter(), p.axis(), start, headDim, p.weight(), role));
                sectionStart += (long) owners.length * headDim;
            }
        }
        return slices;
    }

    /**
     * How each projection changes when the layer's present query heads go from {@code before} to
     * {@code after}: kept blocks move to their new places, blocks of new owners (a head, or a group
     * whose first head returns) are zero. A key/value group's blocks leave exactly when its last
     * query head does.
     */
    public List<HeadRemap> remaps(int[] before, int[] after) {
        if (after.length == 0) {
            throw new IllegalArgumentException("a layer must keep at least one head");
        }
        List<HeadRemap> remaps = new ArrayList<>();
        for (Projection p : projections) {
            List<HeadRemap.Segment> segments = new ArrayList<>();
            long sectionStart = 0;
            for (HeadSlice.Role role : p.sections()) {
                int[] oldOwners = owners(role, before);
                for (int owner : owners(role, after)) {
                    int i = indexOf(oldOwners, owner);
                    segments.add(
                            i >= 0
                                    ? HeadRemap.Segment.kept(
                                            sectionStart + (long) i * headDim, headDim)
                                    : HeadRemap.Segment.inserted(headDim));
                }
                sectionStart += (long) oldOwners.length * headDim;
            }
            remaps.add(new HeadRemap(p.parameter(), p.axis(), segments));
        }
        return remaps;
    }

    /** The key/value group of a query head. */
    public int group(int head) {
        return head / headsPerGroup;
    }

    /** The key/value groups that still have a present query head, ascending. */
    public int[] presentGroups(int[] presentHeads) {
        return IntStream.of(presentHeads).map(this::group).distinct().sorted().toArray();
    }

    private int owner(HeadSlice.Role role, int head) {
        return isGroupRole(role) ? group(head) : head;
    }

    private int[] owners(HeadSlice.Role role, int[] presentHeads) {
        return isGroupRole(role) ? presentGroups(presentHeads) : presentHeads;
    }

    private static boolean isGroupRole(HeadSlice.Role role) {
        return role == HeadSlice.Role.KEY || role == HeadSlice.Role.VALUE;
    }

    /** The position of {@code value} in {@code values}, or −1. */
    public static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
