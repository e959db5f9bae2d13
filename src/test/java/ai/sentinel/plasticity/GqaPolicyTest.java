package ai.sentinel.plasticity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.HeadId;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Planted priorities on a grouped-query model (2 layers × 4 query heads in 2 key/value groups of
 * 2): each policy prunes what it says.
 */
class GqaPolicyTest {
    private static NDManager manager;
    private static CausalLm model;

    /** Priority (prune first when high) of L0H0..L0H3, L1H0..L1H3. */
    private static final HeadScores PLANTED =
            new HeadScores(new double[][] {{0.9, 0.1, 0.5, 0.6}, {0.8, 0.7, 0.2, 0.3}});

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        model = Families.preset("llama-nano").orElseThrow().initialize(61, 2, 4, 32, manager, 3);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    private static Set<HeadId> select(GqaPolicy policy, int count, int allowed, boolean uniform) {
        return Set.copyOf(
                policy.select(
                        model, PLANTED, Plasticity.activeHeads(model), count, allowed, uniform));
    }

    private static HeadId h(int layer, int head) {
        return new HeadId(layer, head);
    }

    @Test
    void groupTakesWholeGroupsByTheirMeanPriorityAndKeepsOnePerLayer() {
        // group means: L0 {0,1} 0.5, L0 {2,3} 0.55, L1 {0,1} 0.75, L1 {2,3} 0.25
        assertEquals(Set.of(h(1, 0), h(1, 1)), select(GqaPolicy.GROUP, 2, 8, false));
        // 4 heads: L1's first group, then L0's {2,3}; a layer never loses its last group
        assertEquals(
                Set.of(h(1, 0), h(1, 1), h(0, 2), h(0, 3)), select(GqaPolicy.GROUP, 4, 8, false));
        assertEquals(
                Set.of(h(1, 0), h(1, 1), h(0, 2), h(0, 3)), select(GqaPolicy.GROUP, 8, 8, false));
        // 1 head rounds to the nearest whole number of groups: none
        assertEquals(Set.of(), select(GqaPolicy.GROUP, 1, 8, false));
        assertEquals(Set.of(), select(GqaPolicy.GROUP, 2, 1, false), "the maximum fraction holds");
    }

    @Test
    void balancedTakesTheSameNumberFromEveryGroupOfALayer() {
        // a step in a layer removes each group's top head: L0 {H0, H3} mean 0.75, L1 {H0, H3} 0.55
        assertEquals(Set.of(h(0, 0), h(0, 3)), select(GqaPolicy.BALANCED, 2, 8, false));
        assertEquals(
                Set.of(h(0, 0), h(0, 3), h(1, 0), h(1, 3)),
                select(GqaPolicy.BALANCED, 4, 8, false));
        // every group keeps a head: more cannot be taken
        assertEquals(4, select(GqaPolicy.BALANCED, 8, 8, false).size());
    }

    @Test
    void balancedUniformLayersStepsEveryLayerAtOnce() {
        assertEquals(Set.of(), select(GqaPolicy.BALANCED, 2, 8, true), "a step needs 4 heads");
        assertEquals(
                Set.of(h(0, 0), h(0, 3), h(1, 0), h(1, 3)), select(GqaPolicy.BALANCED, 4, 8, true));
    }

    @Test
    void namesAreParsedAndUnknownOnesRefused() {
        assertEquals(GqaPolicy.BALANCED, GqaPolicy.of("Balanced"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> GqaPolicy.of("rows"));
        assertEquals(
                "--gqa-policy rows is not a policy; accepted: query, group, balanced",
                e.getMessage());
    }
}
