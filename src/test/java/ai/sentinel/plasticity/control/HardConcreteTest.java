package ai.sentinel.plasticity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class HardConcreteTest {
    private static final HardConcrete HC = HardConcrete.LOUIZOS;
    private static final double[] LOGITS = {-6, -2.5, -1, -0.3, 0, 0.4, 1.7, 2.2, 3, 5};
    private static final double H = 1e-6;

    /** Central difference; the tolerance covers its O(h²) error and double rounding. */
    private static void assertDerivative(
            DoubleUnaryOperator f, double analytic, double x, String what) {
        double numeric = (f.applyAsDouble(x + H) - f.applyAsDouble(x - H)) / (2 * H);
        assertEquals(numeric, analytic, 1e-7 + 1e-6 * Math.abs(numeric), what + " at " + x);
    }

    /** Whether the clamp's kink is within h of x, where the central difference straddles it. */
    private static boolean nearKink(DoubleUnaryOperator stretched, double x) {
        for (double edge : new double[] {0, 1}) {
            if (Math.signum(stretched.applyAsDouble(x - 2 * H) - edge)
                    != Math.signum(stretched.applyAsDouble(x + 2 * H) - edge)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sampleDerivativeMatchesFiniteDifferencesInsideAndIsZeroOnTheClamp() {
        SplittableRandom random = new SplittableRandom(3);
        int inside = 0;
        int clamped = 0;
        for (double logit : LOGITS) {
            for (int k = 0; k < 20; k++) {
                double u = 0.001 + 0.998 * random.nextDouble();
                DoubleUnaryOperator z = a -> HC.sample(a, u);
                DoubleUnaryOperator stretched =
                        a ->
                                HardConcrete.sigmoid(
                                                        (Math.log(u) - Math.log1p(-u) + a)
                                                                / HC.temperature())
                                                * (HC.upper() - HC.lower())
                                        + HC.lower();
                if (nearKink(stretched, logit)) {
                    continue;
                }
                double d = HC.sampleDerivative(logit, u);
                assertDerivative(z, d, logit, "∂z/∂log α (u = " + u + ")");
                if (d == 0) {
                    clamped++;
                } else {
                    inside++;
                }
            }
        }
        assertTrue(inside > 20 && clamped > 20, inside + " inside, " + clamped + " clamped");
    }

    @Test
    void deterministicGateAndOpenProbabilityDerivativesMatchFiniteDifferences() {
        for (double logit : LOGITS) {
            assertDerivative(
                    HC::openProbability,
                    HC.openProbabilityDerivative(logit),
                    logit,
                    "∂P(open)/∂log α");
            assertDerivative(
                    HC::deterministic, HC.deterministicDerivative(logit), logit, "∂ẑ/∂log α");
        }
    }

    @Test
    void openProbabilityIsTheFractionOfSamplesAboveZero() {
        SplittableRandom random = new SplittableRandom(7);
        for (double logit : new double[] {-2, 0, 1.5}) {
            int open = 0;
            int n = 200_000;
            for (int i = 0; i < n; i++) {
                open += HC.sample(logit, random.nextDouble()) > 0 ? 1 : 0;
            }
            // binomial standard deviation ≤ 0.0012 at this n: 5σ
            assertEquals(HC.openProbability(logit), (double) open / n, 0.006, "log α " + logit);
        }
    }

    @Test
    void gatesReachExactlyZeroAndOne() {
        assertEquals(0.0, HC.sample(0, 1e-6));
        assertEquals(1.0, HC.sample(0, 1 - 1e-6));
        assertEquals(1.0, HC.deterministic(LearnedGateConfig.DEFAULT_INITIAL_LOG_ALPHA));
        assertEquals(0.0, HC.deterministic(-3));
        assertEquals(0.5, HC.deterministic(0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new HardConcrete(0, -0.1, 1.1));
        assertThrows(IllegalArgumentException.class, () -> new HardConcrete(0.5, 0.1, 1.1));
    }

    @Test
    void noiseIsAFunctionOfSeedCycleAndStep() {
        double[] a = GateNoise.uniforms(1, 0, 5, 16);
        assertTrue(Arrays.equals(a, GateNoise.uniforms(1, 0, 5, 16)), "same inputs, same draws");
        assertNotEquals(a[0], GateNoise.uniforms(1, 0, 6, 16)[0]);
        assertNotEquals(a[0], GateNoise.uniforms(1, 1, 5, 16)[0]);
        assertNotEquals(a[0], GateNoise.uniforms(2, 0, 5, 16)[0]);
        for (double u : GateNoise.uniforms(9, 2, 100, 10_000)) {
            assertTrue(u > 0 && u < 1, "u = " + u);
        }
    }
}
