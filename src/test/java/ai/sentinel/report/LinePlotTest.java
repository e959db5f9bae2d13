package ai.sentinel.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinePlotTest {
    /** Issue 22: an upgrade of one cycle drew its x-axis with ticks 0.0, 0.2, … 1.0. */
    @Test
    void wholeNumberedCyclesGetWholeNumberTicks() {
        for (int cycles = 1; cycles <= 12; cycles++) {
            double[] x = new double[cycles + 1];
            double[] y = new double[cycles + 1];
            for (int c = 0; c <= cycles; c++) {
                x[c] = c;
                y[c] = 30 - c * 0.7;
            }
            Charts.Spec spec =
                    LinePlot.spec(
                            "perplexity",
                            "cycle",
                            "perplexity",
                            Map.of("kept model", new double[][] {x, y}),
                            false);
            List<Double> ticks =
                    Charts.fit(spec.series(), true, null, spec.xIntegers(), 0.02).values();
            for (double t : ticks) {
                assertEquals(Math.rint(t), t, 0, cycles + " cycles: ticks " + ticks);
            }
        }
    }

    @Test
    void fractionsKeepFractionalTicks() {
        Charts.Spec spec =
                LinePlot.spec(
                        "loss",
                        "pruned share",
                        "loss",
                        Map.of("loss", new double[][] {{0, 0.1, 0.2, 0.3}, {2, 2.1, 2.3, 2.9}}),
                        false);
        assertFalse(spec.xIntegers());
    }
}
