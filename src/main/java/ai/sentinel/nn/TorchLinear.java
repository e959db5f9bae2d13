package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * {@code y = x·Wᵀ + b} with W stored output × input, the layout of PyTorch's {@code nn.Linear} (OPT, Llama), so
 * those checkpoints load without transposing. {@link Linear} is the input × output layout of GPT-2's {@code Conv1D}.
 * The bias is never decayed.
 */
public final class TorchLinear {
    private final Parameter weight; // (out, in)
    private final Parameter bias; // (out)

    public TorchLinear(Parameter weight, Parameter bias) {
        long out = weight.value().getShape().get(0);
        if (bias.value().getShape().dimension() != 1 || bias.value().getShape().get(0) != out) {
            throw new IllegalArgumentException("bias of " + bias.name() + " must have shape (" + out + "), got "
                    + bias.value().getShape() + " for weight " + weight.value().getShape());
        }
        this.weight = weight;
        this.bias = bias;
    }

    public NDArray forward(NDArray x) { // x (..., in) -> (..., out)
        return x.getNDArrayInternal().linear(x, weight.value(), bias.value()).singletonOrThrow();
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
