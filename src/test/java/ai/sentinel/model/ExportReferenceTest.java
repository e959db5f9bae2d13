package ai.sentinel.model;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.io.Json;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.TensorData;
import ai.sentinel.nn.EngineArrays;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The independent PyTorch references load Sentinel's {@code hf-masked} and {@code hf-compact}
 * exports and agree with the gated, pruned Sentinel model. Each case takes a golden model, sets the
 * reference's non-unit gates, removes and masks some heads, and exports. The committed folders
 * under {@code golden/exports/} hold that export, the logits Sentinel computed ({@code
 * sentinel_logits.safetensors}) and the logits {@code tools/golden/check_exports.py} computed from
 * the export's files alone ({@code reference_logits.safetensors}; the script fails when they
 * disagree with Sentinel's). This test checks that the export written today is the one the script
 * read, and that the gated Sentinel model gives the script's logits.
 *
 * <p>To regenerate after an intended change of the export: {@code mvn test
 * -Dtest=ExportReferenceTest -Dsentinel.writeExportFixtures=true}, then {@code python3
 * tools/golden/check_exports.py --write} (torch only, no transformers).
 */
class ExportReferenceTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Path EXPORTS = GOLDEN.resolve("exports");

    /** float32 through different libraries and summation orders, as in GoldenParityTest. */
    private static final double LOGITS_TOLERANCE = 2e-5;

    private static NDManager manager;

    /**
     * One export: a golden folder with the reference gates, heads removed (compressed) and heads
     * masked.
     */
    record Case(
            String name,
            String golden,
            boolean compact,
            List<HeadId> removed,
            List<HeadId> masked) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static HeadId h(int layer, int head) {
        return new HeadId(layer, head);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("gpt2-masked", "gpt2-tiny", false, List.of(h(1, 1)), List.of(h(0, 2))),
                // non-uniform: GPT-2's pruned_heads holds any per-layer counts
                new Case("gpt2-compact", "gpt2-tiny", true, List.of(h(1, 1)), List.of(h(0, 2))),
                // layer 1's second key/value group removed whole
                new Case(
                        "llama-gqa-masked",
                        "llama-tiny-gqa-llama3",
                        false,
                        List.of(h(1, 2), h(1, 3)),
                        List.of(h(0, 1))),
                // one query head per group in each layer: 2 heads, 2 key/value heads
                new Case(
                        "llama-gqa-compact",
                        "llama-tiny-gqa-llama3",
                        true,
                        List.of(h(0, 1)),
                        List.of(h(0, 3), h(1, 0), h(1, 2))),
                // one whole group per layer, a different one in each: 2 heads, 1 key/value head
                new Case(
                        "llama-gqa-compact-groups",
                        "llama-tiny-gqa-llama3",
                        true,
                        List.of(h(0, 2), h(0, 3)),
                        List.of(h(1, 0), h(1, 1))),
                // q/k/v biases, 3 query heads per group: 4 heads in 2 groups of 2
                new Case(
                        "qwen2-compact",
                        "qwen2-tiny-tied",
                        true,
                        List.of(h(0, 0)),
                        List.of(h(0, 3), h(1, 1), h(1, 4))),
                new Case("opt-masked", "opt-tiny-pre", false, List.of(h(0, 1)), List.of(h(1, 3))));
    }

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theIndependentReferenceLoadsTheExportAndAgrees(Case c, @TempDir Path dir)
            throws Exception {
        Path fixture = EXPORTS.resolve(c.name());
        boolean writing = Boolean.getBoolean("sentinel.writeExportFixtures");
        Path out = writing ? fixture : dir.resolve(c.name());
        long[] ids;
        long[] idsShape;
        try (SafetensorsFile expected =
                SafetensorsFile.open(GOLDEN.resolve(c.golden()).resolve("expected.safetensors"))) {
            ids = expected.readLongs("input_ids");
            idsShape = expected.entry("input_ids").shape();
        }
        float[] sentinel;
        try (CausalLm model = ModelFiles.load(GOLDEN.resolve(c.golden()), manager)) {
            setReferenceGates(model, c.golden());
            model.removeHeads(c.removed());
            c.masked().forEach(head -> model.gates().setMasked(head, true));
            try (NDScope scope = new NDScope()) {
                NDArray input = EngineArrays.of(manager, ids, new Shape(idsShape));
                sentinel = floats(model.forward(input, AttentionProbe.NONE));
            }
            if (c.compact()) {
                CompactExport.write(model, out);
            } else {
                MaskedExport.fold(model);
                MaskedExport.write(model, out);
            }
        }
        if (writing) {
            long[] logitsShape = {idsShape[0], idsShape[1], sentinel.length / (ids.length)};
            SafetensorsWriter.write(
                    out.resolve("sentinel_logits.safetensors"),
                    Map.of(
                            "input_ids", TensorData.ofLongs(ids, idsShape),
                            "logits", TensorData.ofFloats(sentinel, logitsShape)),
                    Map.of("generator", "ExportReferenceTest (-Dsentinel.writeExportFixtures)"));
            return;
        }
        assertSameExport(fixture, out, c.name());
        try (SafetensorsFile reference =
                SafetensorsFile.open(fixture.resolve("reference_logits.safetensors"))) {
            assertArrayEquals(ids, reference.readLongs("input_ids"), c.name() + ": inputs");
            assertAllClose(
                    reference.readFloats("logits"),
                    sentinel,
                    LOGITS_TOLERANCE,
                    c.name() + ": the reference's logits from the export vs the gated model's");
        }
    }

    /** The reference's non-unit gates (its one zero gate set to 1: masking is the case's). */
    private static void setReferenceGates(CausalLm model, String golden) throws Exception {
        try (SafetensorsFile expected =
                SafetensorsFile.open(GOLDEN.resolve(golden).resolve("expected.safetensors"))) {
            float[] gates = expected.readFloats("gates");
            int heads = model.config().numHeads();
            for (int i = 0; i < gates.length; i++) {
                model.gates()
                        .setGate(new HeadId(i / heads, i % heads), gates[i] == 0f ? 1f : gates[i]);
            }
        }
    }

    /**
     * The export written now is the one the reference script read: the same config and the same
     * tensors (names, shapes, values).
     */
    private static void assertSameExport(Path fixture, Path fresh, String what) throws Exception {
        assertEquals(
                Json.readObject(fixture.resolve(ModelFiles.CONFIG_FILE)),
                Json.readObject(fresh.resolve(ModelFiles.CONFIG_FILE)),
                what
                        + ": config.json differs from the committed export; regenerate (see the class comment)");
        try (SafetensorsFile committed =
                        SafetensorsFile.open(fixture.resolve(ModelFiles.WEIGHTS_FILE));
                SafetensorsFile now =
                        SafetensorsFile.open(fresh.resolve(ModelFiles.WEIGHTS_FILE))) {
            assertEquals(
                    committed.entries().keySet(), now.entries().keySet(), what + ": tensor names");
            for (String name : committed.entries().keySet()) {
                assertArrayEquals(
                        committed.entry(name).shape(), now.entry(name).shape(), what + ": " + name);
                assertAllClose(
                        committed.readFloats(name), now.readFloats(name), 1e-6, what + ": " + name);
            }
        }
    }
}
