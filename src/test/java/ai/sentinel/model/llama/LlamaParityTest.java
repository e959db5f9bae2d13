package ai.sentinel.model.llama;

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
import ai.sentinel.nn.EngineArrays;
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
 * Parity with an independent Llama / Qwen2 written from the math in plain PyTorch
 * (tools/golden/make_family_references.py): each folder loads through our Hugging Face loader, and
 * rotary frequencies, logits, loss, ∂loss/∂gates (at 1 and at non-unit gates) and six AdamW losses
 * match. The three folders cover GQA with llama3 rope scaling and an untied lm_head, Qwen2's
 * q/k/v-only biases with 3 heads per group and tied embeddings, and Llama-2-era keys (MHA, every
 * bias, legacy {@code type: linear} scaling).
 */
class LlamaParityTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    /**
     * float32 with different BLAS libraries and summation orders: agreement to ~1e-6 is typical.
     */
    private static final double LOGITS_TOLERANCE = 2e-5;

    private static final double LOSS_TOLERANCE = 1e-5;
    private static final double GATE_GRAD_TOLERANCE = 1e-5;

    /** Five optimizer steps compound rounding differences; the losses move by ~0.3 per step. */
    private static final double ADAMW_LOSS_TOLERANCE = 1e-4;

    /** The reference computes inverse frequencies in float32, as HF does. */
    private static final double INV_FREQ_TOLERANCE = 1e-7;

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
        return EngineArrays.of(
                manager,
                expected.readLongs("input_ids"),
                new Shape(expected.entry("input_ids").shape()));
    }

    private static SafetensorsFile expected(String folder) throws Exception {
        return SafetensorsFile.open(GOLDEN.resolve(folder).resolve("expected.safetensors"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"llama-tiny-gqa-llama3", "qwen2-tiny-tied", "llama-tiny-mha-bias-linear"})
    void rotaryFrequenciesAndLogitsMatchTheReference(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = ModelFiles.load(GOLDEN.resolve(folder), manager);
                NDScope scope = new NDScope()) {
            double[] inverse = ((LlamaModel) model).ropeInverseFrequencies();
            float[] actual = new float[inverse.length];
            for (int i = 0; i < inverse.length; i++) {
                actual[i] = (float) inverse[i];
            }
            assertAllClose(
                    expected.readFloats("rope_inv_freq"),
                    actual,
                    INV_FREQ_TOLERANCE,
                    "rope inv_freq");
            NDArray logits = model.forward(ids(expected), AttentionProbe.NONE);
            assertEquals(new Shape(2, 8, model.config().vocabSize()), logits.getShape());
            assertAllClose(
                    expected.readFloats("logits"), floats(logits), LOGITS_TOLERANCE, "logits");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"llama-tiny-gqa-llama3", "qwen2-tiny-tied", "llama-tiny-mha-bias-linear"})
    void lossAndGateGradientsMatchTheReference(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = ModelFiles.load(GOLDEN.resolve(folder), manager);
                NDScope scope = new NDScope()) {
            float loss = lossAndBackward(model, ids(expected));
            assertEquals(expected.readFloats("loss")[0], loss, LOSS_TOLERANCE, "loss");
            assertAllClose(
                    expected.readFloats("gate_grad"),
                    floats(model.gates().gate().gradient()),
                    GATE_GRAD_TOLERANCE,
                    "dloss/dgates");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"llama-tiny-gqa-llama3", "qwen2-tiny-tied", "llama-tiny-mha-bias-linear"})
    void nonUnitGatesScaleQueryHeadsAsTheReferenceDoes(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = ModelFiles.load(GOLDEN.resolve(folder), manager);
                NDScope scope = new NDScope()) {
            float[] gates = expected.readFloats("gates");
            int heads = model.config().numHeads();
            for (int i = 0; i < gates.length; i++) {
                model.gates().setGate(new HeadId(i / heads, i % heads), gates[i]);
            }
            NDArray logits = model.forward(ids(expected), AttentionProbe.NONE);
            assertAllClose(
                    expected.readFloats("logits_gated"),
                    floats(logits),
                    LOGITS_TOLERANCE,
                    "gated logits");
            lossAndBackward(model, ids(expected));
            assertAllClose(
                    expected.readFloats("gated_gate_grad"),
                    floats(model.gates().gate().gradient()),
                    GATE_GRAD_TOLERANCE,
                    "dloss/dgates at non-unit gates");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"llama-tiny-gqa-llama3", "qwen2-tiny-tied", "llama-tiny-mha-bias-linear"})
    void maskingAHeadEqualsAZeroGate(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = ModelFiles.load(GOLDEN.resolve(folder), manager);
                NDScope scope = new NDScope()) {
            float[] gates = expected.readFloats("gates"); // head (0, 2) has gate 0 in the reference
            int heads = model.config().numHeads();
            for (int i = 0; i < gates.length; i++) {
                model.gates()
                        .setGate(new HeadId(i / heads, i % heads), gates[i] == 0f ? 1f : gates[i]);
            }
            model.gates().setMasked(new HeadId(0, 2), true);
            NDArray logits = model.forward(ids(expected), AttentionProbe.NONE);
            assertAllClose(
                    expected.readFloats("logits_gated"),
                    floats(logits),
                    LOGITS_TOLERANCE,
                    "masked logits");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"llama-tiny-gqa-llama3", "qwen2-tiny-tied", "llama-tiny-mha-bias-linear"})
    void fiveAdamWStepsFollowTheReferenceLosses(String folder) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = ModelFiles.load(GOLDEN.resolve(folder), manager);
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
