package ai.sentinel.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.util.ArrayList;
import java.util.List;

/**
 * A chart's legend: one item per series (its line and mark), in rows under the plot, wrapping at
 * the chart's width.
 */
final class Legend {
    private Legend() {}

    static int rows(Graphics2D g, List<Charts.Series> series) {
        return series.size() < 2 ? 0 : places(g, series).get(series.size() - 1)[1] + 1;
    }

    /** Per series: x pixel and row of its legend item, wrapping at the chart's width. */
    private static List<int[]> places(Graphics2D g, List<Charts.Series> series) {
        FontMetrics fm = g.getFontMetrics(Charts.TEXT);
        List<int[]> places = new ArrayList<>();
        int x = Charts.LEFT;
        int row = 0;
        for (Charts.Series s : series) {
            int width = 34 + fm.stringWidth(legendName(s)) + 18;
            if (x + width > Charts.W - Charts.RIGHT && x > Charts.LEFT) {
                x = Charts.LEFT;
                row++;
            }
            places.add(new int[] {x, row});
            x += width;
        }
        return places;
    }

    private static String legendName(Charts.Series s) {
        return s.side() == Charts.Side.RIGHT ? s.name() + " (right axis)" : s.name();
    }

    static void draw(Graphics2D g, List<Charts.Series> series, int top) {
        if (series.size() < 2) {
            return;
        }
        List<int[]> places = places(g, series);
        g.setFont(Charts.TEXT);
        for (int i = 0; i < series.size(); i++) {
            Charts.Series s = series.get(i);
            int x = places.get(i)[0];
            int y = top + places.get(i)[1] * (Charts.ROW + 2) + 8;
            g.setColor(Charts.color(s, i));
            if (s.style() == Charts.Style.BARS) {
                g.fillRect(x + 6, y - 6, 14, 12);
            } else if (s.style() != Charts.Style.POINTS) {
                g.setStroke(
                        s.dashed()
                                ? new BasicStroke(
                                        1.5f,
                                        BasicStroke.CAP_BUTT,
                                        BasicStroke.JOIN_MITER,
                                        10f,
                                        new float[] {6, 4},
                                        0)
                                : new BasicStroke(2f));
                g.draw(new Line2D.Double(x, y, x + 26, y));
            }
            if (s.style() == Charts.Style.POINTS || s.style() == Charts.Style.LINE_AND_POINTS) {
                g.fill(Charts.shape(i, x + 13, y, 4));
            }
            g.setColor(Color.BLACK);
            g.drawString(legendName(s), x + 32, y + 4);
        }
    }
}
