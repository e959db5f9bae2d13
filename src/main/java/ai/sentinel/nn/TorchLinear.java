package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code y = x·Wᵀ + b} with W stored output × input, the layout of PyTorch's {@code nn.Linear} (so
 * Llama-family checkpoints load without transposing). The bias is optional: Llama has none, Qwen2
 * has one on q, k and v only.
 */
public final class TorchLinear {
    private final Parameter weight; // (out, in)
    private final Parameter bias; // (out), or null: no bias

    private TorchLinear(Parameter weight, Parameter bias) {
        long out = weight.value().getShape().get(0);
        if (bias != null
                && (bias.value().getShape().dimension() != 1
                        || bias.value().getShape().get(0) != out)) {
            throw new IllegalArgumentException(
                    "bias of "
                            + bias.name()
                            + " must have shape ("
                            + out
                            + "), got "
                            + bias.value().getShape());
        }
        this.weight = weight;
        this.bias = bias;
    }

    public static TorchLinear withBias(Parameter weight, Parameter bias) {
        return new TorchLinear(weight, bias);
    }

    public static TorchLinear withoutBias(Parameter weight) {
        return new TorchLinear(weight, null);
    }

    public NDArray forward(NDArray x) { // x (..., in) -> (..., out)
        NDArray w = weight.value();
        return bias == null
                ? x.matMul(w.transpose())
                : x.getNDArrayInternal().linear(x, w, bias.value()).singletonOrThrow();
    }

    public Parameter weight() {
        return weight;
    }

    public boolean hasBias() {
        return bias != null;
    }

    /** The bias; only when {@link #hasBias()}. */
    public Parameter bias() {
        if (bias == null) {
            throw new IllegalStateException(weight.name() + " has no bias");
        }
        return bias;
    }

    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(List.of(weight));
        if (bias != null) {
            list.add(bias);
        }
        return list;
    }
}
