package ai.sentinel.plasticity;

import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.CompactExport;
import ai.sentinel.model.Families;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planted priorities on a grouped-query llama-nano (2 layers × 4 query heads in 2 key/value groups
 * of 2): the largest uniform shape and which heads go to reach it; the equalized model exports
 * {@code hf-compact} and reloads with its logits.
 */
class UniformShapeTest {
    /** Priority (prune first when high) of L0H0..L0H3, L1H0..L1H3. */
    private static final HeadScores PLANTED =
            new HeadScores(new double[][] {{0.9, 0.1, 0.2, 0.8}, {0.3, 0.7, 0.4, 0.5}});

    private static CausalLm llama(NDManager m) {
        return Families.preset("llama-nano").orElseThrow().initialize(61, 2, 4, 32, m, 3);
    }

    private static HeadId h(int layer, int head) {
        return new HeadId(layer, head);
    }

    @Test
    void withEqualHeadCountsTheShapeKeepingMoreGroupsWinsAndTheLowestPrioritiesStay() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = llama(m)) {
            model.gates().setMasked(h(1, 3), true); // layer 1: groups [2, 1]
            UniformShape shape = UniformShape.of(model, PLANTED);
            // 2 groups × 1 head and 1 group × 2 heads keep 2 heads each: 2 groups win
            assertEquals(2, shape.groups());
            assertEquals(1, shape.headsPerGroup());
            // L0 keeps H1 (0.1) and H2 (0.2); L1 keeps H0 (0.3) of group 0 and H2, the only one
            // left in group 1
            assertEquals(List.of(h(0, 0), h(0, 3), h(1, 1)), shape.toMask());
            assertEquals("layer 1: 3 heads in 2 groups [2, 1]", shape.layersBefore().get(1));
        }
    }

    @Test
    void aLayerWithOneGroupLeftMakesEveryLayerKeepOneWholeGroupTheLeastPrunable() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = llama(m)) {
            model.removeHeads(List.of(h(1, 2), h(1, 3))); // layer 1: group 0 only
            UniformShape shape = UniformShape.of(model, PLANTED);
            assertEquals(1, shape.groups());
            assertEquals(2, shape.headsPerGroup());
            // L0 group means: {0, 1} 0.5, {2, 3} 0.5 → tie broken by first head: group 0 stays
            assertEquals(List.of(h(0, 2), h(0, 3)), shape.toMask());
        }
    }

    @Test
    void aUniformModelNeedsNothingMasked() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = llama(m)) {
            model.gates().setMasked(h(0, 0), true);
            model.gates().setMasked(h(0, 3), true);
            model.gates().setMasked(h(1, 1), true);
            model.gates().setMasked(h(1, 2), true);
            UniformShape shape = UniformShape.of(model, PLANTED);
            assertEquals(List.of(), shape.toMask());
            assertEquals(2, shape.headsPerLayer());
        }
    }

    /**
     * An uneven model (and a gate below 1) equalized by masking, then exported {@code hf-compact}:
     * the reload computes the equalized Sentinel model's logits with the smaller standard shape.
     */
    @Test
    void anEqualizedModelExportsCompactAndReloadsWithItsLogits(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = llama(m)) {
            model.removeHeads(List.of(h(1, 3)));
            model.gates().setMasked(h(0, 1), true);
            model.gates().setGate(h(0, 2), 0.6f);
            UniformShape shape = UniformShape.of(model, PLANTED);
            shape.apply(model);
            assertTrue(!shape.toMask().isEmpty());
            float[] equalized = logits(model);
            CompactExport.write(model, dir);
            String config = Files.readString(dir.resolve(ModelFiles.CONFIG_FILE));
            assertTrue(config.contains("\"num_attention_heads\": 2"), config);
            assertTrue(config.contains("\"num_key_value_heads\": 2"), config);
            try (NDManager m2 = NDManager.newBaseManager();
                    CausalLm reloaded = ModelFiles.load(dir, m2)) {
                float[] plain = logits(reloaded);
                assertEquals(equalized.length, plain.length);
                for (int i = 0; i < plain.length; i++) {
                    assertEquals(equalized[i], plain[i], 1e-5, "logit " + i);
                }
            }
        }
    }

    private static float[] logits(CausalLm model) {
        try (NDScope scope = new NDScope()) {
            return floats(
                    model.forward(
                            TinyModels.tokens(model.manager(), 21, 2, 12, 61),
                            AttentionProbe.NONE));
        }
    }
}
