package ai.sentinel.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.data.TextDataset;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.nn.Parameter;
import ai.sentinel.testing.TinyModels;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainableTest {
    private static TextDataset data() {
        int[] tokens = new int[6000];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5 == 0 ? r.nextInt(99) : (tokens[i - 1] * 7 + 3) % 99;
        }
        return TextDataset.split(tokens, 16, 0.2);
    }

    @Test
    void trainingOnlyTheAttentionLeavesEmbeddingsAndMlpsExactlyAsTheyWere(@TempDir Path dir)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 2, DataType.FLOAT32)) {
            Trainable.ATTENTION.applyTo(model);
            Set<Parameter> attention = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            model.headLayout().slices(new HeadId(0, 0)).forEach(s -> attention.add(s.parameter()));
            Map<Parameter, float[]> before = new IdentityHashMap<>();
            model.parameters().forEach(p -> before.put(p, p.value().toFloatArray()));
            List<Parameter> frozen =
                    model.parameters().stream().filter(p -> !p.trainable()).toList();
            assertFalse(frozen.isEmpty());
            frozen.forEach(
                    p ->
                            assertTrue(
                                    p.value().getShape().dimension() > 1,
                                    p.name() + " is a vector"));
            attention.forEach(p -> assertTrue(p.trainable(), p.name()));
            TrainConfig config =
                    new TrainConfig(
                            5,
                            4,
                            LrSchedule.constant(3e-3f),
                            AdamWConfig.defaults(),
                            1f,
                            0,
                            2,
                            0,
                            1,
                            false);
            try (Trainer t = new Trainer(model, data(), config, StepListener.NONE)) {
                assertEquals(model.trainableParameters(), t.optimizer().parameters());
                t.run(dir.resolve("run"), f -> {});
            }
            for (Parameter p : frozen) {
                assertArrayEquals(before.get(p), p.value().toFloatArray(), p.name() + " moved");
            }
            for (Parameter p : attention) {
                assertFalse(
                        java.util.Arrays.equals(before.get(p), p.value().toFloatArray()),
                        p.name() + " did not train");
            }
            Trainable.ALL.applyTo(model);
            assertEquals(model.parameters(), model.trainableParameters());
        }
    }

    @Test
    void namesAreTypedAsUsersWriteThem() {
        assertEquals(Trainable.ATTENTION, Trainable.parse("attention"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Trainable.parse("mlp"));
        assertEquals("--train must be all or attention, got mlp", e.getMessage());
    }
}
