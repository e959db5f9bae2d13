package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * RMSNorm over the last axis (Zhang and Sennrich 2019; HF {@code LlamaRMSNorm}): {@code x /
 * sqrt(mean(x²) + eps) · w}, with no mean subtraction and no bias.
 */
public final class RmsNorm {
    private final Parameter weight; // (C)
    private final float eps;

    public RmsNorm(Parameter weight, float eps) {
        this.weight = weight;
        this.eps = eps;
    }

    public NDArray forward(NDArray x) { // (..., C) -> (..., C)
        NDArray meanSquare = x.mul(x).mean(new int[] {-1}, true); // (..., 1)
        return x.div(Scalars.plus(meanSquare, eps).sqrt())
                .mul(weight.value()); // the engine has no rsqrt
    }

    public Parameter weight() {
        return weight;
    }

    public List<Parameter> parameters() {
        return List.of(weight);
    }
}
