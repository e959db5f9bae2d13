package ai.sentinel.plasticity.control;

/**
 * The hard-concrete distribution (Louizos et al. 2018, "Learning sparse neural networks through L0
 * regularization"), as Voita et al. (2019) put it on attention heads: a gate z in [0, 1] that is
 * exactly 0 or exactly 1 with positive probability, reparameterised by one logit {@code log α} and
 * a uniform {@code u}, so its samples have a gradient in {@code log α} and its probability of being
 * open (the L0 norm's expectation) has a closed form.
 *
 * <pre>
 *   s = σ((log u − log(1−u) + log α) / β)        the binary-concrete sample
 *   z = min(1, max(0, s·(ζ−γ) + γ))              stretched to (γ, ζ) ⊃ [0, 1], then clamped
 *   ẑ = min(1, max(0, σ(log α)·(ζ−γ) + γ))       the deterministic (test-time) gate
 *   P(z > 0) = σ(log α − β·log(−γ/ζ))
 * </pre>
 *
 * Pure double arithmetic; each derivative is in {@code log α}.
 *
 * @param temperature β, the concrete distribution's temperature
 * @param lower γ &lt; 0, the stretch's lower end
 * @param upper ζ &gt; 1, the stretch's upper end
 */
public record HardConcrete(double temperature, double lower, double upper) {
    /** The paper's values, which Voita et al. and CoFi keep: β = 2/3, γ = −0.1, ζ = 1.1. */
    public static final HardConcrete LOUIZOS = new HardConcrete(2.0 / 3.0, -0.1, 1.1);

    public HardConcrete {
        if (!(temperature > 0) || !(lower < 0) || !(upper > 1)) {
            throw new IllegalArgumentException(
                    "hard-concrete needs β > 0, γ < 0 and ζ > 1, got "
                            + temperature
                            + ", "
                            + lower
                            + ", "
                            + upper);
        }
    }

    /** A gate sampled at uniform {@code u} in (0, 1). */
    public double sample(double logAlpha, double u) {
        return clamp(stretched(concrete(logAlpha, u)));
    }

    /**
     * ∂z/∂log α at the same {@code u}: (ζ−γ)·s(1−s)/β inside the clamp, 0 where the clamp holds z
     * at 0 or 1.
     */
    public double sampleDerivative(double logAlpha, double u) {
        double s = concrete(logAlpha, u);
        return inside(stretched(s)) ? (upper - lower) * s * (1 - s) / temperature : 0;
    }

    /** The test-time gate ẑ, the sample with the noise at its median. */
    public double deterministic(double logAlpha) {
        return clamp(stretched(sigmoid(logAlpha)));
    }

    public double deterministicDerivative(double logAlpha) {
        double s = sigmoid(logAlpha);
        return inside(stretched(s)) ? (upper - lower) * s * (1 - s) : 0;
    }

    /** P(z &gt; 0): the expected L0 norm of one gate. */
    public double openProbability(double logAlpha) {
        return sigmoid(logAlpha - temperature * Math.log(-lower / upper));
    }

    public double openProbabilityDerivative(double logAlpha) {
        double p = openProbability(logAlpha);
        return p * (1 - p);
    }

    private double concrete(double logAlpha, double u) {
        return sigmoid((Math.log(u) - Math.log1p(-u) + logAlpha) / temperature);
    }

    private double stretched(double s) {
        return s * (upper - lower) + lower;
    }

    private static boolean inside(double stretched) {
        return stretched > 0 && stretched < 1;
    }

    private static double clamp(double x) {
        return Math.min(1, Math.max(0, x));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
