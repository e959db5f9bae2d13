package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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

    /**
     * An F32 array copied from {@code floats}, a direct buffer in native byte order holding exactly
     * {@code shape}'s elements from its position to its limit. The engine wraps the buffer only for
     * the copy, so the caller may overwrite it as soon as this returns.
     */
    public static NDArray ofNativeFloats(NDManager manager, ByteBuffer floats, Shape shape) {
        if (!floats.isDirect() || floats.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("needs a direct buffer in native byte order");
        }
        return owned(manager.create(floats, shape, DataType.FLOAT32));
    }

    private static NDArray owned(NDArray javaBacked) {
        NDArray copy = javaBacked.duplicate();
        javaBacked.close();
        return copy;
    }
}
