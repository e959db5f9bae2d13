package ai.sentinel.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Constants saved by autograd survive garbage collection between forward and backward. */
class ScalarsTest {
    @Test
    void gradientsThroughConstantsAreExactEvenWhenTheCollectorRunsBeforeBackward() {
        try (NDManager m = NDManager.newBaseManager();
                NDScope scope = new NDScope()) {
            for (int round = 0; round < 20; round++) {
                NDArray x = m.create(new float[] {1f, 2f, 3f}, new Shape(3)).duplicate();
                x.setRequiresGradient(true);
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    NDArray y =
                            Scalars.dividedBy(Scalars.plus(Scalars.times(x, 3.0), 1.0), 2.0).sum();
                    // Churn direct buffers so a freed constant would be overwritten before backward
                    // reads it.
                    for (int i = 0; i < 200; i++) {
                        java.nio.ByteBuffer.allocateDirect(64).putFloat(0, Float.NaN);
                    }
                    System.gc();
                    c.backward(y);
                }
                assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f}, x.getGradient().toFloatArray());
            }
        }
    }
}
