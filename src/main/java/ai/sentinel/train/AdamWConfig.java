package ai.sentinel.train;

/**
 * AdamW hyperparameters (Loshchilov and Hutter 2019); the learning rate comes from the schedule at
 * each step.
 */
public record AdamWConfig(float beta1, float beta2, float eps, float weightDecay) {
    public AdamWConfig {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(
                    "betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(
                    "eps must be > 0 and weight decay >= 0, got " + eps + ", " + weightDecay);
        }
    }

    public AdamWConfig withWeightDecay(float decay) {
        return new AdamWConfig(beta1, beta2, eps, decay);
    }

    /** GPT-2-style defaults: betas (0.9, 0.95), eps 1e-8, decay 0.1 (nanoGPT's choice). */
    public static AdamWConfig defaults() {
        return new AdamWConfig(0.9f, 0.95f, 1e-8f, 0.1f);
    }
}
