package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A trainable tensor with a stable name. The value lives in its model's manager and is replaced
 * (never resized in place) when heads are removed or regrown. {@code decay} says whether AdamW
 * applies weight decay to it.
 */
public final class Parameter {
    private final String name;
    private final boolean decay;
    private NDArray value;

    public Parameter(String name, NDArray value, boolean decay) {
        this.name = name;
        this.decay = decay;
        this.value = value;
        value.setName(name);
        value.setRequiresGradient(true);
    }

    public String name() {
        return name;
    }

    public boolean decay() {
        return decay;
    }

    public NDArray value() {
        return value;
    }

    /** Swaps in a new array (it becomes a leaf that requires gradients) and closes the old one. */
    public void replace(NDArray newValue) {
        NDArray old = value;
        value = newValue;
        newValue.setName(name);
        newValue.setRequiresGradient(true);
        if (old != newValue) {
            old.close();
        }
    }

    /** The accumulated gradient; the returned wrapper belongs to the caller's scope. */
    public NDArray gradient() {
        return value.getGradient();
    }

    /** Zeroes the accumulated gradient in place (gradients accumulate across backward passes). */
    public void zeroGradient() {
        // The PyTorch engine's own zeroGradients() walks every array of the system manager; this
        // touches one.
        JniUtils.zeroGrad((PtNDArray) value);
    }

    public long numElements() {
        return value.getShape().size();
    }
}
