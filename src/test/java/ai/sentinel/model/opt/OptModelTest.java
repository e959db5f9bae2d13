package ai.sentinel.model.opt;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.assertBitIdentical;
import static ai.sentinel.testing.Tensors.floats;
import static ai.sentinel.testing.Tensors.reorderTolerance;
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
import ai.sentinel.plasticity.Grower;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.Pruner;
import ai.sentinel.testing.FusedLossCheck;
import ai.sentinel.testing.PlainLoss;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The head contract on OPT-350m's layout (post-LN, project_in/project_out), which no preset has:
 * gates, masks, removal, regrowth, the key/value cache and save/load agree with each other and with
 * autograd. OPT-125m's pre-LN layout (the opt-nano preset) keeps the same contract in {@code
 * ai.sentinel.model.FamilyContractTest}; causality is checked here in both layouts.
 */
class OptModelTest {
    private static final long SEED = 7;
    private static final List<HeadId> DOOMED =
            List.of(new HeadId(0, 1), new HeadId(1, 3), new HeadId(1, 0));
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static float[] logits(CausalLm model) {
        try (NDScope scope = new NDScope()) {
            return floats(model.forward(TinyOpt.tokens(manager, 21, 2, 12), AttentionProbe.NONE));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"post-proj"}) // pre-LN: FamilyContractTest (opt-nano)
    void trainingsFusedLossGivesThePlainGradientsThroughProjectOut(String layout) {
        try (OptModel model = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT64)) {
            FusedLossCheck.assertFusedLossGivesThePlainGradients(
                    model, TinyOpt.tokens(manager, 5, 2, 13), 3, layout);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"post-proj"}) // pre-LN: FamilyContractTest (opt-nano)
    void gateGradientsEqualCentralFiniteDifferencesForEveryHead(String layout) {
        try (OptModel model = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT64);
                NDScope scope = new NDScope()) {
            NDArray tokens = TinyOpt.tokens(manager, 3, 2, 12);
            model.gates().gate().zeroGradient();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(PlainLoss.mean(model, tokens));
            }
            double[] autograd = model.gates().gate().gradient().toDoubleArray();
            float above = 1.0001f; // gates are set as floats: use the exact float steps
            float below = 0.9999f;
            double largest = 0;
            for (int i = 0; i < autograd.length; i++) {
                HeadId head = new HeadId(i / 4, i % 4);
                model.gates().setGate(head, above);
                double up = PlainLoss.mean(model, tokens).getDouble();
                model.gates().setGate(head, below);
                double down = PlainLoss.mean(model, tokens).getDouble();
                model.gates().setGate(head, 1f);
                double numeric = (up - down) / ((double) above - below);
                assertEquals(
                        numeric,
                        autograd[i],
                        1e-7 + 1e-5 * Math.abs(numeric),
                        layout + " dL/dg for " + head);
                largest = Math.max(largest, Math.abs(numeric));
            }
            assertTrue(
                    largest > 1e-3,
                    "gate gradients are all ~0, so the check would prove nothing: " + largest);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"post-proj"}) // pre-LN: FamilyContractTest (opt-nano)
    void maskingAHeadEqualsZeroingItsInputColumnsOfTheOutputProjection(String layout) {
        HeadId head = new HeadId(1, 2);
        try (OptModel masked = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT32);
                OptModel zeroed = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT32);
                OptModel intact = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT32)) {
            masked.gates().setMasked(head, true);
            int D = TinyOpt.PRE.headDim();
            zeroed.blocks()
                    .get(1)
                    .attention()
                    .projections()
                    .output()
                    .weight()
                    .value()
                    .set(
                            new NDIndex(":, " + (head.head() * D) + ":" + ((head.head() + 1) * D)),
                            0f);
            float[] a = logits(masked);
            assertAllClose(logits(zeroed), a, 1e-6, layout + ": masked vs zeroed out_proj columns");
            float[] c = logits(intact);
            double change = 0;
            for (int i = 0; i < a.length; i++) {
                change = Math.max(change, Math.abs(a[i] - c[i]));
            }
            assertTrue(change > 1e-3, "masking the head changed nothing: " + change);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"post-proj"}) // pre-LN: FamilyContractTest (opt-nano)
    void adaptiveAndCompressedPruningGiveTheSameLogitsAndCompressedReallyShrinks(String layout) {
        try (OptModel adaptive = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT32);
                OptModel compressed = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT32)) {
            long before = compressed.numParameters();
            assertTrue(Pruner.prune(adaptive, DOOMED, PruneMode.ADAPTIVE).isEmpty());
            Pruner.prune(compressed, DOOMED, PruneMode.COMPRESSED);
            assertAllClose(
                    logits(adaptive),
                    logits(compressed),
                    1e-5,
                    layout + ": adaptive vs compressed");
            int perHead = 4 * 32 * 8 + 3 * 8; // q, k, v rows + out_proj columns, and q, k, v bias
            assertEquals(before - 3L * perHead, compressed.numParameters());
            assertEquals(2, compressed.config().numHeadsPresent(1));
            assertEquals(5, compressed.gates().numActive());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"post-proj"}) // pre-LN: FamilyContractTest (opt-nano)
    void functionPreservingRegrowthAfterRemovalLeavesLogitsUnchanged(String layout) {
        try (OptModel model = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT64)) {
            Pruner.prune(model, DOOMED, PruneMode.COMPRESSED);
            float[] pruned = logits(model);
            // in float64, so that a BLAS summing the grown shapes in another order moves the logits
            // far below what a head that did not start silent would (OpenBLAS did by 1.3e-6 in
            // float32): 2 layers of 6 products, project_in/out and the unembedding; the longest sum
            // is the FFN's 64 wide
            double tolerance = reorderTolerance(pruned, 64, 6 * 2 + 3, DataType.FLOAT64);
            long params = model.numParameters();
            Grower.grow(
                    model,
                    DOOMED,
                    GrowthInit.FUNCTION_PRESERVING,
                    0.01f,
                    0.01f,
                    new HeadScores(new double[2][4]),
                    9);
            assertAllClose(
                    pruned, logits(model), tolerance, layout + ": logits at the instant of growth");
            assertEquals(8, model.gates().numActive());
            assertEquals(4, model.config().numHeadsPresent(1));
            assertTrue(model.numParameters() > params, "regrowth puts the slices back");
            model.gates()
                    .setGate(DOOMED.get(0), 1f); // the regrown head's fresh q, k, v now take part
            assertAllClose(
                    pruned,
                    logits(model),
                    tolerance,
                    layout + ": zero out_proj columns keep the function");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"post-proj"}) // pre-LN: FamilyContractTest (opt-nano)
    void cachedDecodingEqualsFullRecomputationAtEveryStep(String layout) {
        try (OptModel model = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT32);
                KvCache cache = model.newCache()) {
            model.removeHeads(List.of(new HeadId(0, 3)));
            model.gates().setMasked(new HeadId(0, 1), true);
            model.gates().setGate(new HeadId(1, 3), 0.5f);
            NDArray tokens = TinyOpt.tokens(manager, 11, 2, 10);
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
                assertAllClose(full, first, 1e-5, layout + " prompt logits");
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
                            layout + " logits at position " + t);
                    assertEquals(t + 1, cache.length());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"post-proj"}) // pre-LN: FamilyContractTest (opt-nano)
    void savedAndReloadedModelsGiveBitIdenticalLogitsEvenWhenCompressed(
            String layout, @TempDir Path dir) throws Exception {
        try (OptModel model = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT32)) {
            ModelFiles.save(model, dir.resolve("full"));
            try (CausalLm reloaded = ModelFiles.load(dir.resolve("full"), manager)) {
                assertBitIdentical(logits(model), logits(reloaded), layout + " round trip");
            }
            Pruner.prune(model, DOOMED, PruneMode.COMPRESSED);
            model.gates().setGate(new HeadId(0, 2), 0.25f);
            ModelFiles.save(model, dir.resolve("compressed"));
            try (CausalLm reloaded = ModelFiles.load(dir.resolve("compressed"), manager)) {
                assertBitIdentical(
                        logits(model), logits(reloaded), layout + " compressed round trip");
                assertEquals(model.config(), reloaded.config());
                assertEquals(model.numParameters(), reloaded.numParameters());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pre", "post-proj"})
    void attentionIsCausalPerPresentHeadAndFutureTokensChangeNothing(String layout) {
        try (OptModel model = TinyOpt.strong(manager, layout, SEED, DataType.FLOAT32);
                NDScope scope = new NDScope()) {
            NDArray tokens = TinyOpt.tokens(manager, 13, 1, 6);
            AttentionCapture capture = new AttentionCapture();
            model.forward(tokens, capture);
            assertEquals(2, capture.probabilities().size());
            assertEquals(
                    new ai.djl.ndarray.types.Shape(1, 4, 6, 6),
                    capture.probabilities().get(0).getShape());
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
            NDArray changed = tokens.duplicate();
            changed.set(new NDIndex(0, 5), 42);
            float[] a =
                    floats(model.forward(tokens, AttentionProbe.NONE).get(new NDIndex(":, :5")));
            float[] b =
                    floats(model.forward(changed, AttentionProbe.NONE).get(new NDIndex(":, :5")));
            assertAllClose(a, b, 0, "logits before the changed position");
        }
    }
}
