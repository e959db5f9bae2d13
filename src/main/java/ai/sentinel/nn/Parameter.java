package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
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
    private float rateMultiplier = 1f;
    private boolean trainable = true;

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

    /**
     * A fixed multiplier of the learning rate for this whole parameter (a parameter group's rate,
     * as in PyTorch): the U-Net skips train faster than the model they join. Per-head rate scales
     * multiply on top of it.
     */
    public float rateMultiplier() {
        return rateMultiplier;
    }

    public void setRateMultiplier(float multiplier) {
        if (!(multiplier >= 0) || Float.isInfinite(multiplier)) {
            throw new IllegalArgumentException(
                    name
                            + ": the learning-rate multiplier must be finite and >= 0, got "
                            + multiplier);
        }
        rateMultiplier = multiplier;
    }

    public NDArray value() {
        return value;
    }

    /**
     * Whether training updates it. A frozen parameter records no gradient (backward passes neither
     * compute nor store one) and optimizers made for a model's trainable parameters leave it out:
     * how a model too large for full AdamW state trains only part of itself.
     */
    public boolean trainable() {
        return trainable;
    }

    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        value.setRequiresGradient(trainable);
    }

    /**
     * Swaps in a new array (a leaf that requires gradients when the parameter is trainable) and
     * closes the old one.
     */
    public void replace(NDArray newValue) {
        NDArray old = value;
        value = newValue;
        newValue.setName(name);
        newValue.setRequiresGradient(trainable);
        if (old != newValue) {
            old.close();
        }
    }

    /** The accumulated gradient; the returned wrapper belongs to the caller's scope. */
    public NDArray gradient() {
        return value.getGradient();
    }

    /**
     * Frees the accumulated gradient (PyTorch's {@code p.grad = None}): the value is swapped for a
     * copy without one and the old array, which owned the gradient, is closed. Between training
     * phases this keeps a model's worth of gradients from staying resident through evaluation,
     * measurement and saving; the next backward pass allocates a fresh gradient.
     *
     * <p>A copy, not a detached alias of the same storage: an array made from Java data lives in a
     * buffer that its Java object keeps alive, so an alias would outlive the memory it reads once
     * the old array is closed (a test read NaN through one). Parameters are copied one at a time.
     */
    public void dropGradient() {
        NDArray copy = value.duplicate();
        NDScope.unregister(copy); // the parameter's, not the caller's scope's
        replace(copy);
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
