package ai.sentinel.model.opt;

import ai.djl.ndarray.NDArray;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.TorchLinear;
import java.util.List;

/** OPT's feed-forward layer: {@code fc2(relu(fc1(x)))}. */
final class OptMlp {
    private final TorchLinear fc1; // HF fc1: (C) -> (F), [F, C]
    private final TorchLinear fc2; // HF fc2: (F) -> (C), [C, F]

    OptMlp(TorchLinear fc1, TorchLinear fc2) {
        this.fc1 = fc1;
        this.fc2 = fc2;
    }

    NDArray forward(NDArray x) { // (B, T, C) -> (B, T, C)
        NDArray h = fc1.forward(x);
        return fc2.forward(h.getNDArrayInternal().relu());
    }

    TorchLinear fc1() {
        return fc1;
    }

    TorchLinear fc2() {
        return fc2;
    }

    List<Parameter> parameters() {
        return List.of(fc1.weight(), fc1.bias(), fc2.weight(), fc2.bias());
    }
}
