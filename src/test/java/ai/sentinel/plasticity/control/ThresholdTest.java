package ai.sentinel.plasticity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdTest {
    @Test
    void parsesAbsoluteNumbersAndQuantiles() {
        assertEquals(Threshold.absolute(0.85), Threshold.parse("--x", "0.85"));
        assertEquals(Threshold.absolute(-1e-3), Threshold.parse("--x", "-1e-3"));
        assertEquals(Threshold.absolute(2), Threshold.parse("--x", "2"));
        assertEquals(Threshold.quantile(0.9), Threshold.parse("--x", "q0.9"));
        assertEquals(Threshold.quantile(1), Threshold.parse("--x", " Q1 "));
        assertEquals(Threshold.quantile(0), Threshold.parse("--x", "q0"));
        assertEquals("q0.9", Threshold.quantile(0.9).toString());
        assertEquals("0.85", Threshold.absolute(0.85).toString());
        assertEquals("-1", Threshold.absolute(-1).toString());
        assertEquals("q1", Threshold.quantile(1).toString());
        for (Threshold t :
                List.of(
                        Threshold.absolute(1e9),
                        Threshold.absolute(-2.5e-7),
                        Threshold.quantile(0.95))) {
            assertEquals(t, Threshold.parse("--x", t.toString()), "reads back as written");
        }
    }

    @Test
    void aMalformedThresholdNamesTheOptionAndTheAcceptedForms() {
        for (String bad :
                List.of("", "q", "abc", "q1.5", "q-0.1", "NaN", "Infinity", "1f", "0x1p3", "90%")) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> Threshold.parse("--grad-threshold", bad),
                            bad);
            assertTrue(
                    e.getMessage().startsWith("--grad-threshold: '" + bad + "'"), e.getMessage());
            assertTrue(
                    e.getMessage().contains("q0.9") && e.getMessage().contains("0.85"),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line");
        }
    }

    @Test
    void aQuantileInterpolatesBetweenOrderStatistics() {
        double[] values = {4, 1, 3, 2, 5}; // sorted 1..5
        assertEquals(1, Threshold.quantile(0).resolve(values), 1e-12);
        assertEquals(5, Threshold.quantile(1).resolve(values), 1e-12);
        assertEquals(3, Threshold.quantile(0.5).resolve(values), 1e-12);
        assertEquals(4.6, Threshold.quantile(0.9).resolve(values), 1e-12);
        assertEquals(7, Threshold.absolute(7).resolve(values), 0);
        assertTrue(Double.isNaN(Threshold.quantile(0.5).resolve(new double[0])));
        assertEquals(2, Threshold.quantile(0.3).resolve(new double[] {2}), 0);
    }

    @Test
    void theDistributionGivesMinQuartilesAndMax() {
        Distribution d = Distribution.of(new double[] {9, 1, 5, 3, 7});
        assertEquals(new Distribution(5, 1, 3, 5, 7, 9), d);
        assertEquals(0, Distribution.of(new double[0]).count());
        assertEquals("no heads", Distribution.of(new double[0]).toString());
        assertEquals("0.95", Distribution.format(0.95));
        assertEquals("100", Distribution.format(100));
        assertEquals("0", Distribution.format(0));
        assertEquals("1.235e-05", Distribution.format(1.2346e-5));
    }
}
