package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java values, in memory the engine owns.
 *
 * <p>The PyTorch engine's {@code create} wraps a Java direct buffer with {@code from_blob}: the
 * tensor's storage is Java memory, kept alive only by the wrapper. Views, autograd and in-place
 * updates can outlive or bypass the wrapper, and then read memory the garbage collector has freed
 * (seen here as runs that change when {@code System.gc()} runs). Every array we build from Java
 * values is therefore cloned into engine memory.
 */
public final class EngineArrays {
    private EngineArrays() {}

    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    public static NDArray of(NDManager manager, long[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    private static NDArray owned(NDArray javaBacked) {
        NDArray copy = javaBacked.duplicate();
        javaBacked.close();
        return copy;
    }
}
