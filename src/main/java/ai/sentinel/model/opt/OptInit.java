package ai.sentinel.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.sentinel.nn.Init;
import ai.sentinel.nn.Parameter;
import java.util.SplittableRandom;

/**
 * OPT's initialisation (HF {@code OPTPreTrainedModel._init_weights}, {@code init_std} 0.02): every
 * weight matrix and embedding ~ N(0, 0.02), biases 0, LayerNorm γ = 1 and β = 0, and the padding
 * token's embedding row 0 (HF's {@code padding_idx}). Values are drawn in parameter order from one
 * generator seeded with {@code seed}.
 */
final class OptInit {
    private static final float STD = 0.02f;

    private OptInit() {}

    static void apply(OptModel model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : model.parameters()) {
            NDArray v = p.value();
            long[] shape = v.getShape().getShape();
            String name = p.name();
            if (name.contains("layer_norm")) {
                p.replace(
                        Init.constant(
                                model.manager(),
                                name.endsWith(".weight") ? 1f : 0f,
                                v.getDataType(),
                                shape));
            } else if (name.endsWith(".bias")) {
                p.replace(Init.constant(model.manager(), 0f, v.getDataType(), shape));
            } else {
                p.replace(Init.normal(model.manager(), random, STD, v.getDataType(), shape));
            }
        }
        int pad = model.config().padTokenId();
        if (pad >= 0) {
            model.tokenEmbedding().weight().value().set(new NDIndex(pad), 0f);
        }
    }
}
