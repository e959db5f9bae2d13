package ai.sentinel.model.llama;

import ai.djl.ndarray.NDArray;
import ai.sentinel.nn.Init;
import ai.sentinel.nn.Parameter;
import java.util.SplittableRandom;

/**
 * Llama's initialisation (HF {@code LlamaPreTrainedModel._init_weights}): every matrix ~ N(0,
 * 0.02), biases 0, RMSNorm weights 1. Values are drawn in parameter order from one generator seeded
 * with {@code seed}.
 */
final class LlamaInit {
    private static final float STD = 0.02f; // HF initializer_range

    private LlamaInit() {}

    static void apply(LlamaModel model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : model.parameters()) {
            NDArray v = p.value();
            long[] shape = v.getShape().getShape();
            if (shape.length == 1) {
                boolean norm =
                        p.name().endsWith("norm.weight") || p.name().endsWith("layernorm.weight");
                p.replace(Init.constant(model.manager(), norm ? 1f : 0f, v.getDataType(), shape));
            } else {
                p.replace(Init.normal(model.manager(), random, STD, v.getDataType(), shape));
            }
        }
    }
}
