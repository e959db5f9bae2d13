package ai.sentinel.model.llama;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.assertBitIdentical;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.AttentionCapture;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.KvCache;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Init;
import ai.sentinel.nn.Losses;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.Scalars;
import ai.sentinel.plasticity.Grower;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.HeadSchedule;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.Pruner;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head contract on a tiny random Llama with grouped-query attention (L = 2, 4 query heads in 2
 * key/value groups, C = 32, D = 8, V = 99, every bias on, llama3 rope scaling): masking, removing,
 * regrowing, caching, saving and gate gradients.
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

    /** Mean next-token loss of a fixed batch, in float64. */
    private static double loss(CausalLm model, NDArray tokens) {
        NDArray inputs = tokens.get(new NDIndex(":, :-1"));
        NDArray targets = tokens.get(new NDIndex(":, 1:"));
        return Scalars.dividedBy(
                        Losses.crossEntropySum(model.forward(inputs, AttentionProbe.NONE), targets),
                        targets.getShape().size())
                .toType(DataType.FLOAT64, false)
                .getDouble();
    }

    @Test
    void gateGradientsEqualCentralFiniteDifferencesForEveryQueryHead() {
        try (LlamaModel model = tinyWithStrongWeights(manager, SEED, DataType.FLOAT64);
                NDScope scope = new NDScope()) {
            NDArray tokens = TinyModels.tokens(manager, 3, 2, 12, V);
            model.gates().gate().zeroGradient();
            NDArray inputs = tokens.get(new NDIndex(":, :-1"));
            NDArray targets = tokens.get(new NDIndex(":, 1:"));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(
                        Scalars.dividedBy(
                                Losses.crossEntropySum(
                                        model.forward(inputs, AttentionProbe.NONE), targets),
                                targets.getShape().size()));
            }
            double[] autograd = model.gates().gate().gradient().toDoubleArray();
            float above = 1.0001f; // gates are set as floats: use the exact float steps
            float below = 0.9999f;
            double largest = 0;
            for (int i = 0; i < autograd.length; i++) {
                HeadId head = new HeadId(i / 4, i % 4);
                model.gates().setGate(head, above);
                double up = loss(model, tokens);
                model.gates().setGate(head, below);
                double down = loss(model, tokens);
                model.gates().setGate(head, 1f);
                double numeric = (up - down) / ((double) above - below);
                assertEquals(
                        numeric, autograd[i], 1e-7 + 1e-5 * Math.abs(numeric), "dL/dg for " + head);
                largest = Math.max(largest, Math.abs(numeric));
            }
            assertTrue(
                    largest > 1e-3,
                    "gate gradients are all ~0, so the check would prove nothing: " + largest);
        }
    }

    @Test
    void maskingAQueryHeadEqualsZeroingItsInputColumnsOfTheOutputProjection() {
        HeadId head = new HeadId(1, 2);
        try (LlamaModel masked = tinyWithStrongWeights(manager, SEED, DataType.FLOAT32);
                LlamaModel zeroed = tinyWithStrongWeights(manager, SEED, DataType.FLOAT32);
                LlamaModel intact = tinyWithStrongWeights(manager, SEED, DataType.FLOAT32)) {
            masked.gates().setMasked(head, true);
            parameter(zeroed, "layers.1.self_attn.o_proj.weight")
                    .value()
                    .set(
                            new NDIndex(":, " + (head.head() * D) + ":" + ((head.head() + 1) * D)),
                            0f);
            float[] a = logits(masked);
            float[] c = logits(intact);
            assertAllClose(logits(zeroed), a, 1e-6, "masked vs zeroed columns");
            double change = 0;
            for (int i = 0; i < a.length; i++) {
                change = Math.max(change, Math.abs(a[i] - c[i]));
            }
            assertTrue(change > 1e-3, "masking the head changed nothing: " + change);
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
    void functionPreservingRegrowthOfRemovedHeadsLeavesLogitsUnchanged() {
        try (LlamaModel model = tinyWithStrongWeights(manager, 3, DataType.FLOAT32)) {
            long full = model.numParameters();
            Pruner.prune(model, DOOMED, PruneMode.COMPRESSED);
            float[] pruned = logits(model);
            Grower.grow(
                    model,
                    DOOMED,
                    GrowthInit.FUNCTION_PRESERVING,
                    0.01f,
                    0.01f,
                    new HeadScores(new double[2][4]),
                    9);
            assertAllClose(pruned, logits(model), 1e-6, "logits at the instant of growth");
            assertEquals(full, model.numParameters(), "every slice is back");
            assertEquals(8, model.gates().numActive());
            assertArrayEquals(
                    new long[] {2 * D, 32}, shape(model, "layers.1.self_attn.v_proj.weight"));
        }
    }

    @Test
    void cachedDecodingEqualsFullRecomputationAtEveryStep() {
        try (LlamaModel model = tinyWithStrongWeights(manager, SEED, DataType.FLOAT32);
                KvCache cache = model.newCache()) {
            model.gates().setMasked(new HeadId(0, 0), true);
            model.gates().setGate(new HeadId(1, 1), 0.5f);
            model.removeHeads(
                    List.of(new HeadId(1, 0))); // layer 1: 3 query heads over 2 groups, unevenly
            NDArray tokens = TinyModels.tokens(manager, 11, 2, 10, V);
            int prompt = 4;
            try (NDScope scope = new NDScope()) {
                NDArray first =
                        model.forward(
                                tokens.get(new NDIndex(":, :" + prompt)),
                                cache,
                                AttentionProbe.NONE);
                NDArray full =
                        model.forward(
                                tokens.get(new NDIndex(":, :" + prompt)), AttentionProbe.NONE);
                assertAllClose(full, first, 1e-5, "prompt logits");
            }
            for (int t = prompt; t < 10; t++) {
                try (NDScope scope = new NDScope()) {
                    NDArray step =
                            model.forward(
                                    tokens.get(new NDIndex(":, " + t + ":" + (t + 1))),
                                    cache,
                                    AttentionProbe.NONE); // (B, 1, V)
                    NDArray full =
                            model.forward(
                                    tokens.get(new NDIndex(":, :" + (t + 1))), AttentionProbe.NONE);
                    assertAllClose(
                            full.get(new NDIndex(":, " + t + ":" + (t + 1) + ", :")),
                            step,
                            1e-5,
                            "logits at position " + t);
                    assertEquals(t + 1, cache.length());
                }
            }
        }
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

    @Test
    void saveThenLoadIsBitIdenticalAlsoAfterHeadRemoval(@TempDir Path dir) throws Exception {
        try (LlamaModel model = tinyWithStrongWeights(manager, 5, DataType.FLOAT32)) {
            model.gates().setGate(new HeadId(0, 3), 0.25f);
            ModelFiles.save(model, dir.resolve("full"));
            try (CausalLm reloaded = ModelFiles.load(dir.resolve("full"), manager)) {
                assertBitIdentical(logits(model), logits(reloaded), "full model round trip");
            }
            model.removeHeads(DOOMED);
            ModelFiles.save(model, dir.resolve("compressed"));
            try (CausalLm reloaded = ModelFiles.load(dir.resolve("compressed"), manager)) {
                assertBitIdentical(logits(model), logits(reloaded), "compressed model round trip");
                assertEquals(model.numParameters(), reloaded.numParameters());
                assertEquals(model.config(), reloaded.config());
            }
        }
    }

    @Test
    void aMaskedHeadFreezesItsQueryButNotTheKeysAndValuesItsActiveGroupMateReads() {
        try (LlamaModel model = tinyWithStrongWeights(manager, 2, DataType.FLOAT32);
                AdamW optimizer = new AdamW(model.parameters(), AdamWConfig.defaults(), manager)) {
            Pruner.prune(
                    model,
                    DOOMED,
                    PruneMode.ADAPTIVE); // (0, 1) shares group 0 with (0, 0); (1, 2-3) is group 1
            new HeadSchedule(model, GrowthSchedule.defaults()).beforeStep(0, optimizer);
            float base = 1e-3f;
            try (NDScope scope = new NDScope()) {
                assertEquals(
                        0f, rate(optimizer, model, "layers.0.self_attn.q_proj.weight", 1, base));
                assertEquals(
                        base, rate(optimizer, model, "layers.0.self_attn.q_proj.weight", 0, base));
                assertEquals(
                        base, rate(optimizer, model, "layers.0.self_attn.k_proj.weight", 0, base));
                assertEquals(
                        base, rate(optimizer, model, "layers.0.self_attn.v_proj.bias", 0, base));
                assertEquals(
                        0f,
                        rate(optimizer, model, "layers.1.self_attn.k_proj.weight", 1, base),
                        "a group whose heads are all masked is frozen");
            }
        }
    }

    /** The largest effective rate on rows {@code block·D .. (block+1)·D − 1} of a parameter. */
    private static float rate(AdamW optimizer, CausalLm model, String name, int block, float base) {
        NDArray rates = optimizer.effectiveRate(parameter(model, name), base);
        return rates.get(new NDIndex(block * D + ":" + (block + 1) * D)).max().getFloat();
    }
}
