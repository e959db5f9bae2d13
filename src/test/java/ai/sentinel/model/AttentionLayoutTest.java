package ai.sentinel.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.sentinel.model.HeadRemap.Segment;
import ai.sentinel.model.HeadSlice.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Head slices and surgery follow from one layout description, for fused multi-head and
 * grouped-query layouts.
 */
class AttentionLayoutTest {
    private static final int D = 2;

    /** GPT-2's: q|k|v sections along c_attn's columns, the output projection's rows. */
    private static final AttentionLayout FUSED =
            new AttentionLayout(
                    D,
                    1,
                    List.of(
                            new AttentionLayout.Projection(
                                    null, 1, List.of(Role.QUERY, Role.KEY, Role.VALUE), true),
                            new AttentionLayout.Projection(null, 0, List.of(Role.OUTPUT), true)));

    /**
     * Llama's: separate q, k, v (rows) and o (columns) projections, 2 query heads per key/value
     * group.
     */
    private static final AttentionLayout GROUPED =
            new AttentionLayout(
                    D,
                    2,
                    List.of(
                            new AttentionLayout.Projection(null, 0, List.of(Role.QUERY), true),
                            new AttentionLayout.Projection(null, 0, List.of(Role.KEY), true),
                            new AttentionLayout.Projection(null, 0, List.of(Role.VALUE), true),
                            new AttentionLayout.Projection(null, 1, List.of(Role.OUTPUT), true)));

    private static List<Long> starts(List<HeadSlice> slices) {
        return slices.stream().map(HeadSlice::start).toList();
    }

    @Test
    void fusedSlicesMoveWithThePresentHeads() {
        assertEquals(List.of(4L, 12L, 20L, 4L), starts(FUSED.slices(2, new int[] {0, 1, 2, 3})));
        assertEquals(List.of(2L, 8L, 14L, 2L), starts(FUSED.slices(2, new int[] {0, 2, 3})));
        assertEquals(
                List.of(Role.QUERY, Role.KEY, Role.VALUE, Role.OUTPUT),
                FUSED.slices(0, new int[] {0}).stream().map(HeadSlice::role).toList());
        assertThrows(IllegalArgumentException.class, () -> FUSED.slices(1, new int[] {0, 2, 3}));
    }

    @Test
    void removingAndReinsertingAFusedHeadKeepsEveryOtherBlock() {
        List<HeadRemap> removed = FUSED.remaps(new int[] {0, 1, 2, 3}, new int[] {0, 2, 3});
        assertEquals(
                List.of(
                        Segment.kept(0, D),
                        Segment.kept(4, D),
                        Segment.kept(6, D),
                        Segment.kept(8, D),
                        Segment.kept(12, D),
                        Segment.kept(14, D),
                        Segment.kept(16, D),
                        Segment.kept(20, D),
                        Segment.kept(22, D)),
                removed.get(0).segments());
        assertEquals(
                List.of(Segment.kept(0, D), Segment.kept(4, D), Segment.kept(6, D)),
                removed.get(1).segments());
        List<HeadRemap> back = FUSED.remaps(new int[] {0, 2, 3}, new int[] {0, 1, 2, 3});
        assertEquals(
                List.of(
                        Segment.kept(0, D),
                        Segment.inserted(D),
                        Segment.kept(2, D),
                        Segment.kept(4, D)),
                back.get(1).segments());
    }

    @Test
    void aGroupsKeyAndValueBlocksLeaveWithItsLastQueryHeadAndComeBackWithItsFirst() {
        int[] all = {0, 1, 2, 3};
        // head 3 is the third present query head but reads group 1, the second present group
        assertEquals(List.of(4L, 2L, 2L, 4L), starts(GROUPED.slices(3, new int[] {0, 1, 3})));
        List<HeadRemap> oneOfGroup = GROUPED.remaps(all, new int[] {0, 1, 2});
        assertEquals(List.of(Segment.kept(0, D), Segment.kept(2, D)), oneOfGroup.get(1).segments());
        List<HeadRemap> wholeGroup = GROUPED.remaps(all, new int[] {0, 1});
        assertEquals(List.of(Segment.kept(0, D)), wholeGroup.get(1).segments());
        assertEquals(List.of(Segment.kept(0, D)), wholeGroup.get(2).segments());
        assertEquals(List.of(Segment.kept(0, D), Segment.kept(2, D)), wholeGroup.get(3).segments());
        List<HeadRemap> regrown = GROUPED.remaps(new int[] {0, 1}, new int[] {0, 1, 3});
        assertEquals(List.of(Segment.kept(0, D), Segment.inserted(D)), regrown.get(1).segments());
        assertEquals(
                List.of(Segment.kept(0, D), Segment.kept(2, D), Segment.inserted(D)),
                regrown.get(0).segments());
        assertThrows(IllegalArgumentException.class, () -> GROUPED.remaps(all, new int[] {}));
    }
}
