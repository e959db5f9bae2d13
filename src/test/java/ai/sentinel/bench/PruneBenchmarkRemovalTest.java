package ai.sentinel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.HeadId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The heads {@code bench prune} removes under each grouped-query choice (llama-nano shape: 4 query
 * heads in 2 groups per layer), and the key/value cache it reports.
 */
class PruneBenchmarkRemovalTest {
    @Test
    void balancedKeepsEveryGroupAndGroupRemovesWholeGroupsWithTheirCache() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(61, 2, 4, 32, m, 3)) {
            List<HeadId> balanced =
                    PruneBenchmark.headsToRemove(model, 0.5, PruneBenchmark.Removal.BALANCED, 1);
            assertEquals(4, balanced.size());
            // one head from each group {0, 1} and {2, 3} of each layer
            Map<List<Integer>, Long> perGroup =
                    balanced.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            h -> List.of(h.layer(), h.head() / 2),
                                            Collectors.counting()));
            assertEquals(4, perGroup.size());
            perGroup.values().forEach(n -> assertEquals(1L, n));

            List<HeadId> group =
                    PruneBenchmark.headsToRemove(model, 0.5, PruneBenchmark.Removal.GROUP, 1);
            assertEquals(4, group.size());
            for (int layer = 0; layer < 2; layer++) {
                int l = layer;
                List<Integer> heads =
                        group.stream()
                                .filter(h -> h.layer() == l)
                                .map(HeadId::head)
                                .sorted()
                                .toList();
                assertEquals(2, heads.size());
                assertEquals(heads.get(0) / 2, heads.get(1) / 2, "a whole group: " + heads);
            }
            long before = PruneBenchmark.kvCacheBytesPerToken(model);
            assertEquals(
                    2L * 2 * 2 * 8 * Float.BYTES,
                    before,
                    "2 layers × 2 groups × k, v × head size 8");
            model.removeHeads(balanced);
            assertEquals(before, PruneBenchmark.kvCacheBytesPerToken(model), "every group kept");
        }
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(61, 2, 4, 32, m, 3)) {
            long before = PruneBenchmark.kvCacheBytesPerToken(model);
            model.removeHeads(
                    PruneBenchmark.headsToRemove(model, 0.5, PruneBenchmark.Removal.GROUP, 1));
            assertEquals(before / 2, PruneBenchmark.kvCacheBytesPerToken(model), "half the groups");
        }
    }

    /**
     * Model FLOPs per token, by hand on llama-nano (C = 32, D = 8): removing one query head of a
     * group whose mate stays takes its q_proj rows and o_proj columns (2 · D · C weights, 2 FLOPs
     * each) and its attention over t positions (4 · t · D).
     */
    @Test
    void flopsPerTokenFallByTheRemovedHeadsWeightsAndAttention() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(61, 2, 4, 32, m, 3)) {
            double t = 128;
            double before = PruneBenchmark.flopsPerToken(model, t);
            assertEquals(
                    2.0 * model.numParameters() + 2 * 4 * t * 4 * 8,
                    before,
                    1e-6,
                    "2 N + 2 layers × 4 t × 4 heads × D");
            model.removeHeads(List.of(new HeadId(0, 1)));
            assertEquals(
                    2 * (2 * 8 * 32) + 4 * t * 8,
                    before - PruneBenchmark.flopsPerToken(model, t),
                    1e-6);
        }
    }
}
