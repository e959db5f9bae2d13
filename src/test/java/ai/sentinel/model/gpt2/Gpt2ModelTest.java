package ai.sentinel.model.gpt2;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.model.AttentionCapture;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GPT-2's own attention checks. The head contract every family keeps (masking, pruning, growth,
 * cached decoding, save/load, gate gradients, frozen heads, per-head rates) is {@code
 * ai.sentinel.model.FamilyContractTest}.
 */
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
