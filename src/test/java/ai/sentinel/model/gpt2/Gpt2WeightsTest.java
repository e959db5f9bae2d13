package ai.sentinel.model.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.sentinel.nn.Parameter;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shapes checked before allocation are exactly those of the model that is then allocated. */
class Gpt2WeightsTest {
    @Test
    void expectedShapesMatchTheAllocatedModelIncludingPrunedHeads() {
        Gpt2Config plain = Gpt2Config.of(99, 64, 2, 4, 32);
        Gpt2Config pruned =
                new Gpt2Config(
                        99,
                        64,
                        3,
                        4,
                        32,
                        48,
                        1e-5f,
                        plain.activation(),
                        Map.of(0, Set.of(1, 3), 2, Set.of(0)),
                        -1);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Gpt2Config config : new Gpt2Config[] {plain, pruned}) {
                try (Gpt2Model model = Gpt2Model.initialize(config, manager, 1)) {
                    Map<String, Parameter> actual = Gpt2Weights.byHfName(model);
                    Map<String, long[]> expected = Gpt2Weights.expectedShapes(config);
                    assertEquals(actual.keySet(), expected.keySet());
                    actual.forEach(
                            (name, p) ->
                                    assertArrayEquals(
                                            p.value().getShape().getShape(),
                                            expected.get(name),
                                            name));
                }
            }
        }
    }
}
