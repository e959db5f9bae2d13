package ai.sentinel.model.gpt2;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.sentinel.model.AttentionCapture;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.Losses;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.Scalars;
import ai.sentinel.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Gpt2ModelTest {
    private static final long SEED = 7;
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Mean next-token loss of a fixed batch, in float64. */
    private static double loss(Gpt2Model model, NDArray tokens) {
        NDArray inputs = tokens.get(new NDIndex(":, :-1"));
        NDArray targets = tokens.get(new NDIndex(":, 1:"));
        return Scalars.dividedBy(
                        Losses.crossEntropySum(model.forward(inputs, AttentionProbe.NONE), targets),
                        targets.getShape().size())
                .toType(DataType.FLOAT64, false)
                .getDouble();
    }

    @Test
    void gateGradientsEqualCentralFiniteDifferencesForEveryHead() {
        try (Gpt2Model model = TinyModels.tinyWithStrongWeights(manager, SEED, DataType.FLOAT64);
                NDScope scope = new NDScope()) {
            NDArray tokens = TinyModels.tokens(manager, 3, 2, 12, 99);
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
    void maskingAHeadEqualsZeroingItsRowsOfTheOutputProjection() {
        HeadId head = new HeadId(1, 2);
        try (Gpt2Model masked = TinyModels.tinyWithStrongWeights(manager, SEED, DataType.FLOAT32);
                Gpt2Model zeroed =
                        TinyModels.tinyWithStrongWeights(manager, SEED, DataType.FLOAT32);
                Gpt2Model intact =
                        TinyModels.tinyWithStrongWeights(manager, SEED, DataType.FLOAT32)) {
            masked.gates().setMasked(head, true);
            int D = TinyModels.TINY.headDim();
            Parameter proj =
                    zeroed.parameters().stream()
                            .filter(p -> p.name().equals("h.1.attn.c_proj.weight"))
                            .findFirst()
                            .orElseThrow();
            proj.value()
                    .set(
                            new NDIndex((head.head() * D) + ":" + ((head.head() + 1) * D) + ", :"),
                            0f);
            try (NDScope scope = new NDScope()) {
                NDArray tokens = TinyModels.tokens(manager, 5, 2, 9, 99);
                float[] a = floats(masked.forward(tokens, AttentionProbe.NONE));
                float[] b = floats(zeroed.forward(tokens, AttentionProbe.NONE));
                float[] c = floats(intact.forward(tokens, AttentionProbe.NONE));
                assertAllClose(b, a, 1e-6, "masked vs zeroed rows");
                double change = 0;
                for (int i = 0; i < a.length; i++) {
                    change = Math.max(change, Math.abs(a[i] - c[i]));
                }
                assertTrue(change > 1e-3, "masking the head changed nothing: " + change);
            }
        }
    }

    @Test
    void cachedDecodingEqualsFullRecomputationAtEveryStep() {
        try (Gpt2Model model = TinyModels.tinyWithStrongWeights(manager, SEED, DataType.FLOAT32);
                KvCache cache = model.newCache()) {
            model.gates().setMasked(new HeadId(0, 1), true);
            model.gates().setGate(new HeadId(1, 3), 0.5f);
            NDArray tokens = TinyModels.tokens(manager, 11, 2, 10, 99);
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
    void attentionIsCausalAndCapturedOnlyWhenAsked() {
        try (Gpt2Model model = TinyModels.tinyWithStrongWeights(manager, SEED, DataType.FLOAT32);
                NDScope scope = new NDScope()) {
            NDArray tokens = TinyModels.tokens(manager, 13, 1, 6, 99);
            AttentionCapture capture = new AttentionCapture();
            model.forward(tokens, capture);
            assertEquals(2, capture.probabilities().size());
            float[] probs = floats(capture.probabilities().get(0)); // (1, 4, 6, 6)
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
            // Changing a future token must not change earlier logits.
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
