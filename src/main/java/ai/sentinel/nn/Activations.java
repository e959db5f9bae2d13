package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;

/** Activation functions the engine does not provide in the form the models need. */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Activations() {}

    /**
     * GELU with the tanh approximation GPT-2 was trained with ("gelu_new" in HF): {@code 0.5·x·(1 +
     * tanh(√(2/π)·(x + 0.044715·x³)))}. The engine's GELU is the exact erf form.
     */
    public static NDArray geluTanh(NDArray x) {
        return Fused.GELU_TANH.apply(x).singletonOrThrow();
    }

    /**
     * The same GELU composed of element-wise operations, as the formula reads; the reference the
     * fused kernel is tested against.
     */
    public static NDArray geluTanhComposed(NDArray x) {
        // constants through Scalars (autograd keeps them); tanh's backward reads its output, so no
        // in-place op on it
        NDArray inner =
                Scalars.times(Scalars.times(x.mul(x).mul(x), 0.044715).add(x), SQRT_2_OVER_PI);
        return Scalars.times(Scalars.plus(inner.tanh(), 1).mul(x), 0.5);
    }

    /**
     * libtorch's single tanh-approximate GELU kernel and its backward, which read x once and save
     * only x: the composed form above runs ~8 element-wise passes and saves each for backward (~9%
     * of a DistilGPT-2-shape training step, bench/RESULTS.md).
     */
    private static final class Fused {
        static final ScriptedOp GELU_TANH =
                ScriptedOp.compile(
                        "GeluTanh",
                        "x: Tensor",
                        "Tensor",
                        "    return torch.gelu(x, approximate=\"tanh\")");
        static final ScriptedOp SILU =
                ScriptedOp.compile("Silu", "x: Tensor", "Tensor", "    return torch.silu(x)");
    }

    /**
     * SiLU (swish): {@code x·σ(x)}, the activation of Llama's SwiGLU MLP; libtorch's one kernel.
     */
    public static NDArray silu(NDArray x) {
        return Fused.SILU.apply(x).singletonOrThrow();
    }

    /** The same SiLU composed as the formula reads; the reference the kernel is tested against. */
    public static NDArray siluComposed(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }
}
