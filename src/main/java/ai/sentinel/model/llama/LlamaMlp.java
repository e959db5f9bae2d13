package ai.sentinel.model.llama;

import ai.djl.ndarray.NDArray;
import ai.sentinel.nn.Activations;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.TorchLinear;
import java.util.ArrayList;
import java.util.List;

/** Llama's SwiGLU feed-forward layer (Shazeer 2020): {@code down(silu(gate(x)) ⊙ up(x))}. */
final class LlamaMlp {
    private final TorchLinear gateProj; // (C) -> (F)
    private final TorchLinear upProj; // (C) -> (F)
    private final TorchLinear downProj; // (F) -> (C)

    LlamaMlp(TorchLinear gateProj, TorchLinear upProj, TorchLinear downProj) {
        this.gateProj = gateProj;
        this.upProj = upProj;
        this.downProj = downProj;
    }

    NDArray forward(NDArray x) { // (B, T, C) -> (B, T, C)
        return downProj.forward(Activations.silu(gateProj.forward(x)).mul(upProj.forward(x)));
    }

    /** gate_proj, up_proj, down_proj. */
    List<TorchLinear> projections() {
        return List.of(gateProj, upProj, downProj);
    }

    List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>();
        projections().forEach(p -> list.addAll(p.parameters()));
        return list;
    }
}
