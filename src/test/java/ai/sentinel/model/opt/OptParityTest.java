package ai.sentinel.model.opt;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with an independent OPT written from the math in plain PyTorch
 * (tools/golden/make_family_references.py), for OPT-125m's layout ({@code opt-tiny-pre}: pre-LN,
 * final LayerNorm) and OPT-350m's ({@code opt-tiny-post-proj}: post-LN, no final LayerNorm,
 * project_in/project_out): each folder loads through our Hugging Face loader, and logits, loss,
 * ∂loss/∂gates and five AdamW steps match.
 */
class OptParityTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    /**
     * float32 with different BLAS libraries and summation orders: agreement to ~1e-6 is typical.
     */
    private static final double LOGITS_TOLERANCE = 2e-5;

    private static final double LOSS_TOLERANCE = 1e-5;
    private static final double GATE_GRAD_TOLERANCE = 1e-5;

    /** Five optimizer steps compound rounding differences; the losses move by ~0.3 per step. */
    private static final double ADAMW_LOSS_TOLERANCE = 1e-4;

    private static final int HEADS = 4;

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static NDArray ids(SafetensorsFile expected) throws Exception {
        return manager.create(
                expected.readLongs("input_ids"), new Shape(expected.entry("input_ids").shape()));
    }

    private static SafetensorsFile expected(String folder) throws Exception {
        return SafetensorsFile.open(GOLDEN.resolve(folder).resolve("expected.safetensors"));
    }

    private static CausalLm load(String folder) throws Exception {
        return ModelFiles.load(GOLDEN.resolve(folder), manager);
    }

    @ParameterizedTest
    @ValueSource(strings = {"opt-tiny-pre", "opt-tiny-post-proj"})
    void logitsMatchTheReference(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder);
                NDScope scope = new NDScope()) {
            assertInstanceOf(OptModel.class, model);
            NDArray logits = model.forward(ids(expected), AttentionProbe.NONE);
            assertEquals(new Shape(2, 8, model.config().vocabSize()), logits.getShape());
            assertAllClose(
                    expected.readFloats("logits"),
                    floats(logits),
                    LOGITS_TOLERANCE,
                    folder + " logits");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"opt-tiny-pre", "opt-tiny-post-proj"})
    void lossAndGateGradientsMatchTheReference(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder);
                NDScope scope = new NDScope()) {
            float loss = lossAndBackward(model, ids(expected));
            assertEquals(expected.readFloats("loss")[0], loss, LOSS_TOLERANCE, folder + " loss");
            assertAllClose(
                    expected.readFloats("gate_grad"),
                    floats(model.gates().gate().gradient()),
                    GATE_GRAD_TOLERANCE,
                    folder + " dloss/dgates");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"opt-tiny-pre", "opt-tiny-post-proj"})
    void nonUnitGatesScaleHeadsAsTheReferenceDoes(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder);
                NDScope scope = new NDScope()) {
            float[] gates = expected.readFloats("gates");
            for (int i = 0; i < gates.length; i++) {
                model.gates().setGate(new HeadId(i / HEADS, i % HEADS), gates[i]);
            }
            NDArray logits = model.forward(ids(expected), AttentionProbe.NONE);
            assertAllClose(
                    expected.readFloats("logits_gated"),
                    floats(logits),
                    LOGITS_TOLERANCE,
                    folder + " gated logits");
            lossAndBackward(model, ids(expected));
            assertAllClose(
                    expected.readFloats("gated_gate_grad"),
                    floats(model.gates().gate().gradient()),
                    GATE_GRAD_TOLERANCE,
                    folder + " dloss/dgates at non-unit gates");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"opt-tiny-pre", "opt-tiny-post-proj"})
    void maskingAHeadEqualsAZeroGate(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder);
                NDScope scope = new NDScope()) {
            float[] gates = expected.readFloats("gates"); // head (0, 2) has gate 0 in the reference
            for (int i = 0; i < gates.length; i++) {
                model.gates()
                        .setGate(new HeadId(i / HEADS, i % HEADS), gates[i] == 0f ? 1f : gates[i]);
            }
            model.gates().setMasked(new HeadId(0, 2), true);
            NDArray logits = model.forward(ids(expected), AttentionProbe.NONE);
            assertAllClose(
                    expected.readFloats("logits_gated"),
                    floats(logits),
                    LOGITS_TOLERANCE,
                    folder + " masked logits");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"opt-tiny-pre", "opt-tiny-post-proj"})
    void fiveAdamWStepsFollowTheReferenceLosses(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder);
                AdamW optimizer =
                        new AdamW(
                                model.parameters(),
                                new AdamWConfig(0.9f, 0.999f, 1e-8f, 0.1f),
                                manager)) {
            float[] losses = expected.readFloats("adamw_losses");
            for (int step = 0; step < losses.length; step++) {
                try (NDScope scope = new NDScope()) {
                    float loss = lossAndBackward(model, ids(expected));
                    assertEquals(
                            losses[step],
                            loss,
                            ADAMW_LOSS_TOLERANCE,
                            folder + " loss before AdamW step " + step);
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
