package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * LayerNorm over the last axis: {@code (x − mean)/sqrt(var + eps)·γ + β} (biased variance, as in
 * PyTorch).
 */
public final class LayerNorm {
    private final Parameter gamma;
    private final Parameter beta;
    private final float eps;

    public LayerNorm(Parameter gamma, Parameter beta, float eps) {
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    public NDArray forward(NDArray x) { // (..., C) -> (..., C)
        Shape normalized = gamma.value().getShape();
        return x.getNDArrayInternal()
                .layerNorm(x, normalized, gamma.value(), beta.value(), eps)
                .singletonOrThrow();
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }
}
