package ai.sentinel.model.llama;

import static ai.sentinel.testing.Tensors.assertAllClose;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Llama family's own part of the parity with the independent reference
 * (tools/golden/make_family_references.py): the rotary inverse frequencies after none, linear or
 * llama3 scaling. Logits, loss, gate gradients and AdamW steps of these folders are checked with
 * every other family's in {@code model.GoldenParityTest}.
 */
class LlamaParityTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

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

    private static SafetensorsFile expected(String folder) throws Exception {
        return SafetensorsFile.open(GOLDEN.resolve(folder).resolve("expected.safetensors"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"llama-tiny-gqa-llama3", "qwen2-tiny-tied", "llama-tiny-mha-bias-linear"})
    void rotaryFrequenciesMatchTheReference(String folder) throws Exception {
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
        }
    }
}
