package ai.sentinel.model;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Parameter;
import ai.sentinel.testing.PlainLoss;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with independent implementations written from the published architectures in plain PyTorch
 * ({@code tools/golden/make_references.py} for GPT-2, {@code make_family_references.py} for OPT and
 * the Llama family): each golden folder loads through our Hugging Face loader as its family, and
 * logits, loss, ∂loss/∂gates at unit and non-unit gates, a masked head and the losses of five
 * {@code torch.optim.AdamW} steps match. One suite for every family's folders.
 */
class GoldenParityTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    /**
     * float32 with different BLAS libraries and summation orders: agreement to ~1e-6 is typical.
     */
    private static final double LOGITS_TOLERANCE = 2e-5;

    private static final double LOSS_TOLERANCE = 1e-5;
    private static final double GATE_GRAD_TOLERANCE = 1e-5;

    /** Five optimizer steps compound rounding differences; the losses move by ~0.3 per step. */
    private static final double ADAMW_LOSS_TOLERANCE = 1e-4;

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Each golden folder and the family it must load as. */
    static Stream<Arguments> folders() {
        return Stream.of(
                Arguments.of("gpt2-tiny", "GPT-2"),
                Arguments.of("opt-tiny-pre", "OPT"),
                Arguments.of("opt-tiny-post-proj", "OPT"),
                Arguments.of("llama-tiny-gqa-llama3", "Llama"),
                Arguments.of("qwen2-tiny-tied", "Llama"),
                Arguments.of("llama-tiny-mha-bias-linear", "Llama"));
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

    private static CausalLm load(String folder) throws Exception {
        return ModelFiles.load(GOLDEN.resolve(folder), manager);
    }

    /** Sets the reference's gates on (layer, head), row-major. */
    private static void setGates(CausalLm model, float[] gates) {
        int heads = model.config().numHeads();
        for (int i = 0; i < gates.length; i++) {
            model.gates().setGate(new HeadId(i / heads, i % heads), gates[i]);
        }
    }

    @ParameterizedTest
    @MethodSource("folders")
    void logitsMatchTheReference(String folder, String family) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder);
                NDScope scope = new NDScope()) {
            assertEquals(family, Families.of(model).name());
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
    @MethodSource("folders")
    void lossAndGateGradientsMatchTheReference(String folder, String family) throws Exception {
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
    @MethodSource("folders")
    void nonUnitGatesScaleHeadsAsTheReferenceDoes(String folder, String family) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder);
                NDScope scope = new NDScope()) {
            setGates(model, expected.readFloats("gates"));
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

    /**
     * The {@code hf-masked} export of each golden model with the reference's gates (one head
     * masked, the rest between 0 and 1.5), saved and reloaded as a plain folder with every gate 1,
     * gives the independent reference's gated logits: the folded weights compute the gated model.
     */
    @ParameterizedTest
    @MethodSource("folders")
    void anHfMaskedExportWithTheReferenceGatesGivesItsGatedLogits(
            String folder, String family, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder)) {
            float[] gates = expected.readFloats("gates");
            for (int i = 0; i < gates.length; i++) {
                gates[i] = gates[i] == 0f ? 1f : gates[i];
            }
            setGates(model, gates);
            model.gates().setMasked(new HeadId(0, 2), true);
            MaskedExport.fold(model);
            MaskedExport.write(model, dir);
        }
        try (SafetensorsFile expected = expected(folder);
                CausalLm plain = ModelFiles.load(dir, manager);
                NDScope scope = new NDScope()) {
            assertEquals(
                    plain.config().numLayers() * plain.config().numHeads(),
                    plain.gates().numActive());
            assertAllClose(
                    expected.readFloats("logits_gated"),
                    floats(plain.forward(ids(expected), AttentionProbe.NONE)),
                    LOGITS_TOLERANCE,
                    folder + " hf-masked export");
        }
    }

    @ParameterizedTest
    @MethodSource("folders")
    void maskingAHeadEqualsAZeroGate(String folder, String family) throws Exception {
        try (SafetensorsFile expected = expected(folder);
                CausalLm model = load(folder);
                NDScope scope = new NDScope()) {
            float[] gates = expected.readFloats("gates"); // head (0, 2) has gate 0 in the reference
            for (int i = 0; i < gates.length; i++) {
                gates[i] = gates[i] == 0f ? 1f : gates[i];
            }
            setGates(model, gates);
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
    @MethodSource("folders")
    void fiveAdamWStepsFollowTheReferenceLosses(String folder, String family) throws Exception {
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
    private static float lossAndBackward(CausalLm model, NDArray ids) {
        model.parameters().forEach(Parameter::zeroGradient);
        model.gates().gate().zeroGradient();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = PlainLoss.mean(model, ids);
            collector.backward(loss);
            return loss.getFloat();
        }
    }
}
