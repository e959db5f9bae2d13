package ai.sentinel.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Forward throughput of a model before and after compressed pruning (heads physically removed, the same number in
 * every layer, chosen at random from the seed), measured in one process on random tokens.
 */
public final class PruneBenchmark {
    /** Forward tokens/s (median step) before and after, and the share of attention FLOPs removed. */
    public record Result(int batchSize, int seqLen, double fraction, long parametersBefore, long parametersAfter,
            double tokensPerSecondBefore, double tokensPerSecondAfter) {
        public double speedUp() {
            return tokensPerSecondAfter / tokensPerSecondBefore;
        }
    }

    private PruneBenchmark() {}

    public static Result run(Gpt2Config shape, double fraction, int batchSize, int seqLen, int steps, long seed) {
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm full = Gpt2Model.initialize(shape, manager, seed);
                CausalLm pruned = Gpt2Model.initialize(shape, manager, seed)) {
            pruned.removeHeads(headsToRemove(shape, fraction, seed));
            // the two models take turns, step by step, so machine noise hits both alike
            double[] fullSeconds = new double[steps];
            double[] prunedSeconds = new double[steps];
            for (int i = -2; i < steps; i++) {
                double a = forwardSeconds(full, batchSize, seqLen);
                double b = forwardSeconds(pruned, batchSize, seqLen);
                if (i >= 0) {
                    fullSeconds[i] = a;
                    prunedSeconds[i] = b;
                }
            }
            double tokens = batchSize * (double) seqLen;
            return new Result(batchSize, seqLen, fraction, full.numParameters(), pruned.numParameters(),
                    tokens / median(fullSeconds), tokens / median(prunedSeconds));
        }
    }

    private static List<HeadId> headsToRemove(Gpt2Config shape, double fraction, long seed) {
        int perLayer = Math.min(shape.numHeads() - 1, (int) Math.round(fraction * shape.numHeads()));
        SplittableRandom random = new SplittableRandom(seed);
        List<HeadId> heads = new ArrayList<>();
        for (int l = 0; l < shape.numLayers(); l++) {
            int[] order = random.ints(0, Integer.MAX_VALUE).limit(shape.numHeads()).toArray();
            Integer[] idx = new Integer[shape.numHeads()];
            for (int h = 0; h < idx.length; h++) {
                idx[h] = h;
            }
            Arrays.sort(idx, (a, b) -> Integer.compare(order[a], order[b]));
            for (int k = 0; k < perLayer; k++) {
                heads.add(new HeadId(l, idx[k]));
            }
        }
        return heads;
    }

    private static double forwardSeconds(CausalLm model, int batchSize, int seqLen) {
        try (NDScope scope = new NDScope()) {
            NDArray tokens = model.manager().randomInteger(0, model.config().vocabSize(), new Shape(batchSize, seqLen),
                    DataType.INT64);
            long t0 = System.nanoTime();
            model.forward(tokens, AttentionProbe.NONE).getFloat(0, 0, 0);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
