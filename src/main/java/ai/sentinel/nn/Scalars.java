package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe under autograd. Use these, never {@code
 * NDArray.mul(Number)} and kin, on any path that gradients flow through.
 *
 * <p>The PyTorch engine implements {@code x.mul(2f)} by wrapping 2 in a 0-d tensor over a Java
 * buffer, applying the op, and closing the wrapper at once. Autograd keeps that tensor for the
 * backward pass ({@code MulBackward}, {@code DivBackward} save their operand), so once the garbage
 * collector frees the buffer the backward pass multiplies by garbage: finite losses with NaN
 * gradients, at random steps. The constants made here live in engine memory and belong to the
 * caller's scope.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-d array holding {@code value}, in engine memory. */
    public static NDArray constant(NDManager manager, double value, DataType dtype) {
        return Init.ofType(
                EngineArrays.of(manager, new float[] {(float) value}, new Shape()), dtype);
    }

    public static NDArray times(NDArray x, double c) {
        return x.mul(constant(x.getManager(), c, x.getDataType()));
    }

    public static NDArray plus(NDArray x, double c) {
        return x.add(constant(x.getManager(), c, x.getDataType()));
    }

    public static NDArray dividedBy(NDArray x, double c) {
        return x.div(constant(x.getManager(), c, x.getDataType()));
    }
}
