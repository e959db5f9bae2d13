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
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
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
