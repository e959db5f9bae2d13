package ai.sentinel.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Init;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded tiny OPT models for tests: L = 2, H = 4, C = 32, V = 99, in both of OPT's layouts. */
final class TinyOpt {
    /** OPT-125m's layout: pre-LN, final LayerNorm, no embedding projection. */
    static final OptConfig PRE = OptConfig.of(99, 64, 2, 4, 32);

    /**
     * OPT-350m's layout: post-LN, no final LayerNorm, 24-wide embeddings with
     * project_in/project_out.
     */
    static final OptConfig POST_PROJ =
            new OptConfig(99, 64, 2, 4, 32, 64, 24, false, false, 2, 2, 1, Map.of());

    private TinyOpt() {}

    static OptConfig config(String layout) {
        return switch (layout) {
            case "pre" -> PRE;
            case "post-proj" -> POST_PROJ;
            default -> throw new IllegalArgumentException(layout);
        };
    }

    /**
     * A tiny model whose weights are larger than OPT's initialisation (std 0.2 instead of 0.02,
     * LayerNorm γ around 1), so attention patterns are far from uniform and every head visibly
     * matters.
     */
    static OptModel strong(NDManager manager, String layout, long seed, DataType dtype) {
        OptModel model = OptModel.initialize(config(layout), manager, seed, dtype);
        SplittableRandom random = new SplittableRandom(seed + 1);
        for (var p : model.parameters()) {
            float[] values = new float[Math.toIntExact(p.numElements())];
            boolean gamma = p.name().contains("layer_norm.weight");
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.2 + (gamma ? 1 : 0));
            }
            NDArray v = EngineArrays.of(model.manager(), values, p.value().getShape());
            p.replace(Init.ofType(v, dtype));
        }
        return model;
    }

    static NDArray tokens(NDManager manager, long seed, int batch, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] ids = new long[batch * length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(PRE.vocabSize());
        }
        return EngineArrays.of(manager, ids, new Shape(batch, length));
    }
}
