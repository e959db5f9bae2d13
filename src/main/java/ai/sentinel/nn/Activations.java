package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;

/** Activation functions the engine does not provide in the form the models need. */
public final class Activations {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    private Activations() {}

    /**
     * GELU with the tanh approximation GPT-2 was trained with ("gelu_new" in HF):
     * {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. The engine's GELU is the exact erf form.
     */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.mul(x).mul(x).muli(0.044715f).addi(x).muli(SQRT_2_OVER_PI);
        // tanh's backward reads its output, so that output must not be modified in place
        return inner.tanh().add(1f).mul(x).muli(0.5f);
    }
}
