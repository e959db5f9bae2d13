package ai.sentinel.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.sentinel.nn.Init;
import ai.sentinel.nn.Parameter;
import java.util.SplittableRandom;

/**
 * GPT-2's initialisation (Radford et al. 2019; HF {@code GPT2PreTrainedModel._init_weights}):
 * weights ~ N(0, 0.02), the two residual projections ({@code attn.c_proj}, {@code mlp.c_proj}) ~
 * N(0, 0.02/√(2L)), biases 0, LayerNorm γ = 1 and β = 0. Values are drawn in parameter order from
 * one generator seeded with {@code seed}.
 */
final class Gpt2Init {
    private static final float STD = 0.02f;

    private Gpt2Init() {}

    static void apply(Gpt2Model model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float residualStd = (float) (STD / Math.sqrt(2.0 * model.config().numLayers()));
        for (Parameter p : model.parameters()) {
            NDArray v = p.value();
            long[] shape = v.getShape().getShape();
            String name = p.name();
            if (name.contains("ln_")) {
                p.replace(
                        Init.constant(
                                model.manager(),
                                name.endsWith(".weight") ? 1f : 0f,
                                v.getDataType(),
                                shape));
            } else if (name.endsWith(".bias")) {
                p.replace(Init.constant(model.manager(), 0f, v.getDataType(), shape));
            } else {
                float std = name.endsWith("c_proj.weight") ? residualStd : STD;
                p.replace(Init.normal(model.manager(), random, std, v.getDataType(), shape));
            }
        }
    }
}
