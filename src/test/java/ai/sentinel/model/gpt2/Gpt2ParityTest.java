package ai.sentinel.model.gpt2;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.Losses;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.Scalars;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parity with an independent GPT-2 written from the math in plain PyTorch
 * (tools/golden/make_references.py): the folder it wrote loads through our Hugging Face loader, and
 * logits, loss, ∂loss/∂gates and five AdamW steps match.
 */
class Gpt2ParityTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/gpt2-tiny");

    /**
     * float32 with different BLAS libraries and summation orders: agreement to ~1e-6 is typical.
     */
    private static final double LOGITS_TOLERANCE = 2e-5;

    private static final double LOSS_TOLERANCE = 1e-5;
    private static final double GATE_GRAD_TOLERANCE = 1e-5;

    /** Five optimizer steps compound rounding differences; the losses move by ~0.3 per step. */
    private static final double ADAMW_LOSS_TOLERANCE = 1e-4;

    private static NDManager manager;
    private static SafetensorsFile expected;

    @BeforeAll
    static void open() throws Exception {
        manager = NDManager.newBaseManager();
        expected = SafetensorsFile.open(GOLDEN.resolve("expected.safetensors"));
    }

    @AfterAll
    static void close() throws Exception {
        expected.close();
        manager.close();
    }

    private static NDArray ids() throws Exception {
        return manager.create(
                expected.readLongs("input_ids"), new Shape(expected.entry("input_ids").shape()));
    }

    @Test
    void logitsMatchTheReference() throws Exception {
        try (CausalLm model = ModelFiles.load(GOLDEN, manager);
                NDScope scope = new NDScope()) {
            NDArray logits = model.forward(ids(), AttentionProbe.NONE);
            assertEquals(new Shape(2, 8, 99), logits.getShape());
            assertAllClose(
                    expected.readFloats("logits"), floats(logits), LOGITS_TOLERANCE, "logits");
        }
    }

    @Test
    void lossAndGateGradientsMatchTheReference() throws Exception {
        try (CausalLm model = ModelFiles.load(GOLDEN, manager);
                NDScope scope = new NDScope()) {
            float loss = lossAndBackward(model, ids());
            assertEquals(expected.readFloats("loss")[0], loss, LOSS_TOLERANCE, "loss");
            assertAllClose(
                    expected.readFloats("gate_grad"),
                    floats(model.gates().gate().gradient()),
                    GATE_GRAD_TOLERANCE,
                    "dloss/dgates");
        }
    }

    @Test
    void nonUnitGatesScaleHeadsAsTheReferenceDoes() throws Exception {
        float[] gates = expected.readFloats("gates");
        try (CausalLm model = ModelFiles.load(GOLDEN, manager);
                NDScope scope = new NDScope()) {
            for (int i = 0; i < gates.length; i++) {
                model.gates().setGate(new HeadId(i / 4, i % 4), gates[i]);
            }
            NDArray logits = model.forward(ids(), AttentionProbe.NONE);
            assertAllClose(
                    expected.readFloats("logits_gated"),
                    floats(logits),
                    LOGITS_TOLERANCE,
                    "gated logits");
            lossAndBackward(model, ids());
            assertAllClose(
                    expected.readFloats("gated_gate_grad"),
                    floats(model.gates().gate().gradient()),
                    GATE_GRAD_TOLERANCE,
                    "dloss/dgates at non-unit gates");
        }
    }

    @Test
    void maskingAHeadEqualsAZeroGate() throws Exception {
        float[] gates = expected.readFloats("gates"); // head (0, 2) has gate 0 in the reference
        try (CausalLm model = ModelFiles.load(GOLDEN, manager);
                NDScope scope = new NDScope()) {
            for (int i = 0; i < gates.length; i++) {
                model.gates().setGate(new HeadId(i / 4, i % 4), gates[i] == 0f ? 1f : gates[i]);
            }
            model.gates().setMasked(new HeadId(0, 2), true);
            NDArray logits = model.forward(ids(), AttentionProbe.NONE);
            assertAllClose(
                    expected.readFloats("logits_gated"),
                    floats(logits),
                    LOGITS_TOLERANCE,
                    "masked logits");
        }
    }

    @Test
    void fiveAdamWStepsFollowTheReferenceLosses() throws Exception {
        float[] losses = expected.readFloats("adamw_losses");
        try (CausalLm model = ModelFiles.load(GOLDEN, manager);
                AdamW optimizer =
                        new AdamW(
                                model.parameters(),
                                new AdamWConfig(0.9f, 0.999f, 1e-8f, 0.1f),
                                manager)) {
            for (int step = 0; step < losses.length; step++) {
                try (NDScope scope = new NDScope()) {
                    float loss = lossAndBackward(model, ids());
                    assertEquals(
                            losses[step],
                            loss,
                            ADAMW_LOSS_TOLERANCE,
                            "loss before AdamW step " + step);
                }
                optimizer.step(1e-2f);
            }
        }
    }

    /**
     * Mean next-token cross-entropy of ids[:, 1:] given ids[:, :-1]; leaves fresh gradients on
     * every leaf.
     */
    static float lossAndBackward(CausalLm model, NDArray ids) {
        model.parameters().forEach(Parameter::zeroGradient);
        model.gates().gate().zeroGradient();
        NDArray inputs = ids.get(new NDIndex(":, :-1"));
        NDArray targets = ids.get(new NDIndex(":, 1:"));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss =
                    Scalars.dividedBy(
                            Losses.crossEntropySum(
                                    model.forward(inputs, AttentionProbe.NONE), targets),
                            targets.getShape().size());
            collector.backward(loss);
            return loss.getFloat();
        }
    }
}
