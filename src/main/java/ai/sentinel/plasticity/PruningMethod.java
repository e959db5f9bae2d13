package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.HeadId;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/** The pruning strategies, chosen by name. */
public enum PruningMethod {
    /**
     * Highest normalised attention entropy first: a head spread evenly over its keys carries little
     * specific signal.
     */
    ENTROPY,
    /** Lowest weight magnitude first. */
    MAGNITUDE,
    /** Lowest gradient norm first. */
    GRADIENT,
    /** Lowest importance E|∂L/∂g| first (Michel et al. 2019). */
    IMPORTANCE,
    /** A seeded random order: the baseline every strategy is compared with. */
    RANDOM,
    /** The same number of heads in every layer, in a seeded random order within each layer. */
    UNIFORM,
    /**
     * A weighted blend of min-max-normalised entropy (high first) and gradient norm (low first).
     */
    COMBINED;

    public PruningStrategy create(long seed, double entropyWeight, double gradientWeight) {
        return switch (this) {
            case ENTROPY -> m -> m.normalizedEntropy();
            case MAGNITUDE -> m -> map(m.magnitude(), v -> -v);
            case GRADIENT -> m -> map(m.gradientNorm(), v -> -v);
            case IMPORTANCE -> m -> map(m.importance(), v -> -v);
            case RANDOM -> m -> random(m, seed);
            case UNIFORM ->
                    new PruningStrategy() {
                        @Override
                        public HeadScores priorities(HeadMeasurements m) {
                            return random(m, seed);
                        }

                        @Override
                        public boolean samePerLayer() {
                            return true;
                        }
                    };
            case COMBINED -> m -> combined(m, entropyWeight, gradientWeight);
        };
    }

    private static HeadScores map(HeadScores scores, DoubleUnaryOperator f) {
        double[][] v = scores.copy();
        for (HeadId h : scores.measured()) {
            v[h.layer()][h.head()] = f.applyAsDouble(scores.get(h));
        }
        return new HeadScores(v);
    }

    private static HeadScores random(HeadMeasurements m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] v = m.magnitude().copy();
        for (HeadId h : m.magnitude().measured()) {
            v[h.layer()][h.head()] = r.nextDouble();
        }
        return new HeadScores(v);
    }

    private static HeadScores combined(
            HeadMeasurements m, double entropyWeight, double gradientWeight) {
        if (entropyWeight < 0 || gradientWeight < 0 || entropyWeight + gradientWeight == 0) {
            throw new IllegalArgumentException(
                    "combined weights must be >= 0 and not both 0, got "
                            + entropyWeight
                            + " and "
                            + gradientWeight);
        }
        HeadScores e = m.normalizedEntropy().minMaxNormalized();
        HeadScores g = m.gradientNorm().minMaxNormalized();
        double[][] v = e.copy();
        for (HeadId h : e.measured()) {
            v[h.layer()][h.head()] = entropyWeight * e.get(h) + gradientWeight * (1 - g.get(h));
        }
        return new HeadScores(v);
    }
}
