package ai.sentinel.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import java.util.SplittableRandom;

/**
 * Seeded tiny GPT-2 models and inputs for tests: L = 2, H = 4, C = 32, V = 99, as in HF's model
 * tester.
 */
public final class TinyModels {
    public static final Gpt2Config TINY = Gpt2Config.of(99, 64, 2, 4, 32);

    private TinyModels() {}

    public static Gpt2Model tiny(NDManager manager, long seed) {
        return Gpt2Model.initialize(TINY, manager, seed);
    }

    /**
     * A tiny model whose weights are larger than GPT-2's initialisation (std 0.2 instead of 0.02),
     * so attention patterns are far from uniform and every head visibly matters — a better test
     * subject than a near-zero model.
     */
    public static Gpt2Model tinyWithStrongWeights(NDManager manager, long seed, DataType dtype) {
        Gpt2Model model = Gpt2Model.initialize(TINY, manager, seed, dtype);
        SplittableRandom random = new SplittableRandom(seed + 1);
        for (var p : model.parameters()) {
            long n = p.numElements();
            float[] values = new float[Math.toIntExact(n)];
            for (int i = 0; i < values.length; i++) {
                values[i] =
                        (float)
                                (random.nextGaussian() * 0.2
                                        + (p.name().endsWith("ln_1.weight")
                                                        || p.name().endsWith("ln_2.weight")
                                                        || p.name().equals("ln_f.weight")
                                                ? 1
                                                : 0));
            }
            NDArray v = model.manager().create(values, p.value().getShape()).toType(dtype, false);
            p.replace(v);
        }
        return model;
    }

    public static NDArray tokens(NDManager manager, long seed, int batch, int length, int vocab) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] ids = new long[batch * length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(vocab);
        }
        return manager.create(ids, new Shape(batch, length));
    }
}
