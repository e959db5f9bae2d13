package ai.sentinel.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks a token from one row of logits by temperature, top-k and top-p (nucleus) sampling, in plain
 * Java.
 */
public final class TokenSampler {
    private final SamplingConfig config;
    private final SplittableRandom random;

    public TokenSampler(SamplingConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    public int sample(float[] logits) {
        if (config.temperature() == 0f) {
            return argMax(logits);
        }
        int[] order = descendingOrder(logits);
        int keep = config.topK() > 0 ? Math.min(config.topK(), logits.length) : logits.length;
        double[] probs = new double[keep];
        double max = logits[order[0]] / config.temperature();
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp(logits[order[i]] / config.temperature() - max);
            sum += probs[i];
        }
        double cumulative = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            probs[i] /= sum;
            cumulative += probs[i];
            if (cumulative >= config.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double mass = 0;
        for (int i = 0; i < nucleus; i++) {
            mass += probs[i];
        }
        double u = random.nextDouble() * mass;
        for (int i = 0; i < nucleus; i++) {
            u -= probs[i];
            if (u <= 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }

    /**
     * Indices by logit, largest first, ties by index: the order of a stable sort, from one sort of
     * primitive keys (boxed indices with a comparator took 13–25 ms per 49,152-symbol row, more
     * than the model's forward pass for one token).
     */
    static int[] descendingOrder(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // orders as Float.compare does
            keys[i] = ((long) ~ascending << 32) | i; // larger logit first, then smaller index
        }
        Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
