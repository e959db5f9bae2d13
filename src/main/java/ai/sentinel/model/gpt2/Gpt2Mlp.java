package ai.sentinel.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.sentinel.nn.Activation;
import ai.sentinel.nn.Linear;
import ai.sentinel.nn.Parameter;
import java.util.List;

/** GPT-2's feed-forward layer: {@code proj(act(fc(x)))}. */
final class Gpt2Mlp {
    private final Linear fc; // HF mlp.c_fc: (C) -> (F)
    private final Linear proj; // HF mlp.c_proj: (F) -> (C)
    private final Activation activation;

    Gpt2Mlp(Linear fc, Linear proj, Activation activation) {
        this.fc = fc;
        this.proj = proj;
        this.activation = activation;
    }

    NDArray forward(NDArray x) { // (B, T, C) -> (B, T, C)
        return proj.forward(activation.apply(fc.forward(x)));
    }

    Linear fc() {
        return fc;
    }

    Linear proj() {
        return proj;
    }

    List<Parameter> parameters() {
        return List.of(fc.weight(), fc.bias(), proj.weight(), proj.bias());
    }
}
