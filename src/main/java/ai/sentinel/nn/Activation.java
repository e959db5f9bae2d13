package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;

/** The MLP activations the supported families use. */
public enum Activation {
    /** GELU, tanh approximation (GPT-2's "gelu_new"). */
    GELU_TANH,
    /** GELU, exact erf form. */
    GELU,
    RELU;

    public NDArray apply(NDArray x) {
        return switch (this) {
            case GELU_TANH -> Activations.geluTanh(x);
            case GELU -> x.getNDArrayInternal().gelu();
            case RELU -> x.getNDArrayInternal().relu();
        };
    }
}
