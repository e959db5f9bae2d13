package ai.sentinel.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.StoredTensor;
import ai.sentinel.io.TensorData;
import ai.sentinel.model.HeadId;
import ai.sentinel.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shapes checked before allocation are exactly those of the model that is then allocated, and a
 * file that does not match them, or holds a non-finite value, is refused with the tensor's name.
 */
class LlamaWeightsTest {
    private static final LlamaConfig TIED = LlamaConfig.of(99, 64, 2, 4, 2, 32);
    private static final LlamaConfig UNTIED_WITH_BIASES =
            new LlamaConfig(
                    LlamaVariant.LLAMA,
                    99,
                    64,
                    2,
                    4,
                    2,
                    32,
                    16,
                    48,
                    1e-6f,
                    10000,
                    LlamaRopeScaling.NONE,
                    false,
                    new LlamaConfig.Biases(true, true, true),
                    Map.of(),
                    1,
                    2);

    @Test
    void expectedShapesMatchTheAllocatedModelIncludingRemovedHeads() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (LlamaConfig config : new LlamaConfig[] {TIED, UNTIED_WITH_BIASES}) {
                try (LlamaModel model = LlamaModel.initialize(config, manager, 1)) {
                    assertSameShapes(model);
                    model.removeHeads(
                            List.of(new HeadId(0, 2), new HeadId(0, 3), new HeadId(1, 0)));
                    assertSameShapes(model);
                }
            }
        }
    }

    private static void assertSameShapes(LlamaModel model) {
        Map<String, Parameter> actual = LlamaWeights.byHfName(model);
        Map<String, long[]> expected = LlamaWeights.expectedShapes(model.config());
        assertEquals(expected.keySet(), actual.keySet());
        actual.forEach(
                (name, p) ->
                        assertArrayEquals(
                                expected.get(name), p.value().getShape().getShape(), name));
        assertEquals(
                model.numParameters(),
                actual.values().stream().mapToLong(Parameter::numElements).sum());
    }

    @Test
    void aWrongShapeAMissingTensorOrANonFiniteValueIsRefusedByName(@TempDir Path dir)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                LlamaModel model = LlamaModel.initialize(UNTIED_WITH_BIASES, manager, 1)) {
            Map<String, StoredTensor> good = LlamaFamily.INSTANCE.exportWeights(model);
            Map<String, StoredTensor> wrongShape = new LinkedHashMap<>(good);
            wrongShape.put(
                    "model.layers.1.self_attn.k_proj.weight",
                    TensorData.ofFloats(new float[64 * 32], 64, 32));
            assertRefused(
                    dir.resolve("shape.safetensors"),
                    wrongShape,
                    "model.layers.1.self_attn.k_proj.weight");
            Map<String, StoredTensor> missing = new LinkedHashMap<>(good);
            missing.remove("lm_head.weight");
            assertRefused(dir.resolve("missing.safetensors"), missing, "lm_head.weight");
            Map<String, StoredTensor> nan = new LinkedHashMap<>(good);
            float[] values = new float[32];
            values[5] = Float.NaN;
            nan.put("model.norm.weight", TensorData.ofFloats(values, 32));
            assertRefused(dir.resolve("nan.safetensors"), nan, "model.norm.weight");
        }
    }

    private static void assertRefused(Path file, Map<String, StoredTensor> tensors, String name)
            throws IOException {
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile weights = SafetensorsFile.open(file)) {
            Exception e =
                    assertThrows(
                            Exception.class,
                            () -> LlamaWeights.load(UNTIED_WITH_BIASES, weights, manager).close());
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }
}
