package ai.sentinel.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChartsTest {
    private static Charts.Spec spec(List<Charts.Marker> markers) {
        double[] x = {0, 100, 140, 180, 220};
        return new Charts.Spec(
                "Loss",
                "optimizer step",
                true,
                "loss",
                false,
                "learning rate",
                List.of(
                        new Charts.Series(
                                "training loss",
                                x,
                                new double[] {5.6, 2.5, 2.45, 2.43, 2.40},
                                Charts.Style.LINE),
                        new Charts.Series(
                                "validation, baseline",
                                new double[] {100},
                                new double[] {2.47},
                                Charts.Style.POINTS),
                        new Charts.Series(
                                "learning rate",
                                x,
                                new double[] {0, 3e-3, 3e-3, 3e-3, 3e-3},
                                Charts.Style.LINE,
                                null,
                                Charts.Side.RIGHT,
                                true,
                                false)),
                markers,
                List.of(),
                List.of());
    }

    @Test
    void markerLabelsThatWouldOverlapGoToSeparateRowsAboveThePlot() {
        List<Charts.Marker> markers =
                List.of(
                        new Charts.Marker(100, "cycle 1: prune, grow"),
                        new Charts.Marker(104, "cycle 2: prune, grow"),
                        new Charts.Marker(180, "cycle 3: prune, grow"));
        Charts.Layout layout = Charts.Layout.of(spec(markers));
        assertEquals(
                2,
                layout.markerRows().size(),
                "cycles 1 and 2 are 4 steps apart; cycle 3 fits beside 1");
        assertEquals(2, layout.markerRows().get(0).size());
        assertTrue(layout.frame().top() >= 40 + 2 * 16, "the plot starts below both label rows");
    }

    @Test
    void theLegendSitsBelowThePlotAndBothAxesHoldTheirData() {
        Charts.Layout layout = Charts.Layout.of(spec(List.of()));
        Charts.Frame f = layout.frame();
        assertTrue(
                layout.legendTop() > f.bottom() + 30, "below the x tick labels and the axis title");
        assertTrue(layout.height() > layout.legendTop());
        assertTrue(f.left().lo() < 2.40 && f.left().hi() > 5.6, f.left().toString());
        assertTrue(f.right().lo() <= 0 && f.right().hi() > 3e-3, f.right().toString());
        assertTrue(f.x().lo() < 0 && f.x().hi() > 220, "no point on the frame: " + f.x());
    }
}
