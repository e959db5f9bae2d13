package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * {@code y = x·W + b} with W stored input × output, the layout of GPT-2's {@code Conv1D} (so
 * checkpoints load without transposing). The bias is never decayed.
 */
public final class Linear {
    private final Parameter weight; // (in, out)
    private final Parameter bias; // (out)

    public Linear(Parameter weight, Parameter bias) {
        long in = weight.value().getShape().get(0);
        long out = weight.value().getShape().get(1);
        if (bias.value().getShape().dimension() != 1 || bias.value().getShape().get(0) != out) {
            throw new IllegalArgumentException(
                    "bias of "
                            + bias.name()
                            + " must have shape ("
                            + out
                            + "), got "
                            + bias.value().getShape()
                            + " for weight ("
                            + in
                            + ", "
                            + out
                            + ")");
        }
        this.weight = weight;
        this.bias = bias;
    }

    public NDArray forward(NDArray x) { // x (..., in) -> (..., out)
        // the engine's linear is x·Aᵀ + b fused in one addmm; Aᵀ of our (in, out) weight is a free
        // transposed view
        NDArray w = weight.value();
        return x.getNDArrayInternal().linear(x, w.transpose(), bias.value()).singletonOrThrow();
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
