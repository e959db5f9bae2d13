package ai.sentinel.model.llama;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.model.AttentionCapture;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Init;
import ai.sentinel.nn.Parameter;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.Pruner;
import ai.sentinel.testing.FusedLossCheck;
import ai.sentinel.testing.TinyModels;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Llama's own head checks on a tiny random Llama with grouped-query attention (L = 2, 4 query heads
 * in 2 key/value groups, C = 32, D = 8, V = 99, every bias on, llama3 rope scaling): compressed
 * pruning's shapes under the Hugging Face names (a group's keys, values and their biases leave only
 * with its last query head) and the cache's (B, G, S, D) layout. The head contract every family
 * keeps (masking, pruning, growth, cached decoding, save/load, gate gradients, frozen heads,
 * per-head rates, with query heads sharing a group) is {@code
 * ai.sentinel.model.FamilyContractTest}.
 */
class LlamaModelTest {
    private static final long SEED = 7;
    private static final int V = 99;
    private static final int D = 8;
    private static final LlamaConfig TINY =
            new LlamaConfig(
                    LlamaVariant.LLAMA,
                    V,
                    64,
                    2,
                    4,
                    2,
                    32,
                    D,
                    48,
                    1e-6f,
                    500,
                    new LlamaRopeScaling(LlamaRopeScaling.Type.LLAMA3, 4, 1, 4, 16),
                    false,
                    new LlamaConfig.Biases(true, true, true),
                    Map.of(),
                    -1,
                    -1);

    /** Head 1 of layer 0 (its group-mate 0 stays) and all of layer 1's group 1 (heads 2 and 3). */
    private static final List<HeadId> DOOMED =
            List.of(new HeadId(0, 1), new HeadId(1, 2), new HeadId(1, 3));

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /**
     * Weights ~ N(0, 0.2) (norm weights around 1), so attention is far from uniform and every head
     * matters.
     */
    static LlamaModel tinyWithStrongWeights(NDManager m, long seed, DataType dtype) {
        LlamaModel model = LlamaModel.initialize(TINY, m, seed, dtype);
        SplittableRandom random = new SplittableRandom(seed + 1);
        for (Parameter p : model.parameters()) {
            float[] values = new float[Math.toIntExact(p.numElements())];
            boolean norm = p.name().endsWith("norm.weight");
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.2 + (norm ? 1 : 0));
            }
            p.replace(
                    Init.ofType(
                            EngineArrays.of(model.manager(), values, p.value().getShape()), dtype));
        }
        return model;
    }

    private static float[] logits(CausalLm model) {
        try (NDScope scope = new NDScope()) {
            return floats(
                    model.forward(
                            TinyModels.tokens(model.manager(), 21, 2, 12, V), AttentionProbe.NONE));
        }
    }

    private static Parameter parameter(CausalLm model, String name) {
        return model.parameters().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void trainingsFusedLossGivesThePlainGradientsWithAnUntiedHead() {
        try (LlamaModel model = tinyWithStrongWeights(manager, SEED, DataType.FLOAT64)) {
            FusedLossCheck.assertFusedLossGivesThePlainGradients(
                    model, TinyModels.tokens(manager, 5, 2, 13, V), 3, "untied Llama");
        }
    }

    @Test
    void compressedPruningGivesTheAdaptiveLogitsAndAWholeGroupTakesItsKeysAndValues() {
        try (LlamaModel adaptive = tinyWithStrongWeights(manager, 1, DataType.FLOAT32);
                LlamaModel compressed = tinyWithStrongWeights(manager, 1, DataType.FLOAT32)) {
            long before = compressed.numParameters();
            Pruner.prune(adaptive, DOOMED, PruneMode.ADAPTIVE);
            Pruner.prune(compressed, DOOMED, PruneMode.COMPRESSED);
            assertAllClose(logits(adaptive), logits(compressed), 1e-5, "adaptive vs compressed");
            int perQueryHead = 2 * D * 32 + D; // q_proj rows + o_proj columns, q bias
            int perGroup = 2 * (D * 32 + D); // k_proj and v_proj rows and biases
            assertEquals(before - 3L * perQueryHead - perGroup, compressed.numParameters());
            assertArrayEquals(
                    new long[] {2 * D, 32},
                    shape(compressed, "layers.0.self_attn.k_proj.weight"),
                    "group 0 of layer 0 keeps its keys: head 0 still reads them");
            assertArrayEquals(
                    new long[] {D, 32}, shape(compressed, "layers.1.self_attn.k_proj.weight"));
            assertArrayEquals(new long[] {D}, shape(compressed, "layers.1.self_attn.v_proj.bias"));
            assertArrayEquals(
                    new long[] {32, 2 * D}, shape(compressed, "layers.1.self_attn.o_proj.weight"));
            assertArrayEquals(new int[] {0, 2, 3}, compressed.config().headsPresent(0));
            assertEquals(5, compressed.gates().numActive());
        }
    }

    private static long[] shape(CausalLm model, String name) {
        return parameter(model, name).value().getShape().getShape();
    }

    @Test
    void theCacheHoldsKeyValueGroupsNotRepeatedHeads() {
        try (LlamaModel model = tinyWithStrongWeights(manager, SEED, DataType.FLOAT32);
                KvCache cache = model.newCache();
                NDScope scope = new NDScope()) {
            AttentionCapture capture = new AttentionCapture();
            NDArray tokens = TinyModels.tokens(manager, 13, 1, 6, V);
            model.forward(tokens, cache, capture);
            NDArray keys =
                    cache.append(
                                    0,
                                    manager.zeros(new ai.djl.ndarray.types.Shape(1, 2, 1, D)),
                                    manager.zeros(new ai.djl.ndarray.types.Shape(1, 2, 1, D)))[0];
            assertEquals(
                    new ai.djl.ndarray.types.Shape(1, 2, 7, D), keys.getShape(), "(B, G, S, D)");
            assertEquals(
                    new ai.djl.ndarray.types.Shape(1, 4, 6, 6),
                    capture.probabilities().get(0).getShape(),
                    "(B, H, T, S): one distribution per query head");
            float[] probs = floats(capture.probabilities().get(0));
            for (int h = 0; h < 4; h++) {
                for (int i = 0; i < 6; i++) {
                    double rowSum = 0;
                    for (int j = 0; j < 6; j++) {
                        float p = probs[(h * 6 + i) * 6 + j];
                        if (j > i) {
                            assertEquals(
                                    0f, p, "head " + h + " query " + i + " sees future key " + j);
                        }
                        rowSum += p;
                    }
                    assertEquals(1.0, rowSum, 1e-5);
                }
            }
        }
    }
}
