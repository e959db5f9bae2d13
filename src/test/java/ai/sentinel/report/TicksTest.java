package ai.sentinel.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TicksTest {
    /**
     * (min, max) pairs seen in real runs: perplexities a hair apart, losses, learning rates, steps,
     * head counts.
     */
    private static final double[][] RANGES = {
        {4.257, 4.277},
        {1.341, 1.9},
        {11.827, 11.879},
        {0, 0.003},
        {2.6e-5, 3e-3},
        {0, 160},
        {0, 1200},
        {-16.02, 6.3},
        {11, 16},
        {17, 20_826},
        {0.1, 0.1},
        {7, 7}
    };

    @Test
    void ticksAreOneTwoOrFiveTimesAPowerOfTenAndMultiplesOfTheirStep() {
        for (double[] r : RANGES) {
            Ticks t = Ticks.fit(r[0], r[1], 0.05, false, true);
            double mantissa = t.step() / Math.pow(10, Math.floor(Math.log10(t.step()) + 1e-9));
            assertTrue(
                    List.of(1.0, 2.0, 5.0).stream().anyMatch(m -> Math.abs(m - mantissa) < 1e-9),
                    "step " + t.step() + " for " + r[0] + ".." + r[1]);
            for (double v : t.values()) {
                double k = v / t.step();
                assertEquals(Math.rint(k), k, 1e-6, v + " is not a multiple of " + t.step());
            }
        }
    }

    @Test
    void theAxisHoldsAllTheDataWithTwoToEightTicks() {
        for (double[] r : RANGES) {
            Ticks t = Ticks.fit(r[0], r[1], 0.05, false, false);
            assertTrue(
                    t.lo() < r[0] && t.hi() > r[1],
                    "the data touches the frame: " + t + " for " + r[0] + ".." + r[1]);
            assertTrue(
                    t.values().size() >= 2 && t.values().size() <= 8,
                    t.values() + " for " + r[0] + ".." + r[1]);
            assertTrue(
                    t.values().stream().allMatch(v -> v >= t.lo() - 1e-12 && v <= t.hi() + 1e-12),
                    t.toString());
        }
    }

    @Test
    void aDataFittedAxisShowsSmallDifferencesThatAZeroBasedOneHides() {
        Ticks t = Ticks.fit(4.257, 4.277, 0.05, false, true);
        assertTrue(t.lo() > 4.2, "the axis starts near the data, not at 0: " + t);
        assertEquals(
                List.of("4.260", "4.265", "4.270", "4.275"),
                t.values().stream().map(t::label).toList());
    }

    @Test
    void countsGetWholeNumberTicks() {
        for (double[] r : new double[][] {{11, 16}, {13, 13}, {0, 144}, {2, 3}}) {
            Ticks t = Ticks.fit(r[0], r[1], 0.05, true, true);
            assertTrue(t.step() >= 1, t.toString());
            for (double v : t.values()) {
                assertEquals(Math.rint(v), v, 1e-12, t.toString());
                assertTrue(!t.label(v).contains("."), t.label(v));
            }
            assertTrue(
                    (t.lo() <= r[0] - 0.5 || t.lo() == 0) && t.hi() >= r[1] + 0.5,
                    "half a unit each side: " + t);
        }
    }

    @Test
    void labelsAreExactAndCarryNoBinaryNoise() {
        Ticks t = Ticks.within(0, 0.9, false);
        assertEquals(0.2, t.step(), 1e-15);
        assertEquals(
                List.of("0.0", "0.2", "0.4", "0.6", "0.8"),
                t.values().stream().map(t::label).toList());
        assertEquals(0.6, t.values().get(3), 0); // not 0.6000000000000001
    }

    @Test
    void clampingKeepsNonNegativeDataOffNegativeTicks() {
        assertEquals(0, Ticks.fit(0, 10, 0.1, false, true).lo());
        assertTrue(
                Ticks.fit(0, 10, 0.1, false, false).lo() < 0, "steps keep a margin before step 0");
    }
}
