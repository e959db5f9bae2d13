package ai.sentinel.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ParameterTest {
    private static float[] gradientOf(Parameter p, float[] target) {
        try (NDScope scope = new NDScope()) {
            NDArray t = p.value().getManager().create(target);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(p.value().mul(t).sum()); // dL/dw = target
            }
            return p.gradient().toFloatArray();
        }
    }

    @Test
    void aDroppedGradientKeepsTheValueAndTheNextBackwardStartsFromNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = new Parameter("w", m.create(new float[] {1f, -2f, 3f}).duplicate(), true);
            assertArrayEquals(new float[] {4f, 5f, 6f}, gradientOf(p, new float[] {4f, 5f, 6f}));
            try (NDScope scope = new NDScope()) { // the new value must outlive the caller's scope
                p.dropGradient();
            }
            assertArrayEquals(new float[] {1f, -2f, 3f}, p.value().toFloatArray());
            // accumulated onto nothing: the old gradient is gone, not added to
            assertArrayEquals(new float[] {-1f, 0f, 2f}, gradientOf(p, new float[] {-1f, 0f, 2f}));
            assertEquals("w", p.value().getName());
        }
    }
}
