package ai.sentinel.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.nn.Losses;
import ai.sentinel.nn.Scalars;

/**
 * The mean next-token cross-entropy the plain way, {@link CausalLm#forward} + {@link
 * Losses#crossEntropySum} / N through autograd: the form tests hold training's fused loss and the
 * models' gradients against.
 */
public final class PlainLoss {
    private PlainLoss() {}

    /** For (B, T + 1) token ids: inputs are the first T, targets the last T. */
    public static NDArray mean(CausalLm model, NDArray tokens) {
        return mean(model, tokens.get(new NDIndex(":, :-1")), tokens.get(new NDIndex(":, 1:")));
    }

    /** A scalar in the model's precision. */
    public static NDArray mean(CausalLm model, NDArray inputs, NDArray targets) {
        return Scalars.dividedBy(
                Losses.crossEntropySum(model.forward(inputs, AttentionProbe.NONE), targets),
                targets.getShape().size());
    }
}
