package ai.sentinel.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

/**
 * Per-group spreads (e.g. one group per strategy, one observation per seed), drawn with {@link
 * Charts}' axes.
 */
final class SpreadChart {
    private SpreadChart() {}

    /**
     * One group per label: the mean (a bar from zero, or a mark where the axis does not start at
     * zero), a dot per observation (one per seed) and a whisker from the smallest to the largest,
     * so that the spread reads as clearly as the mean. {@code fromZero}: the axis includes zero;
     * otherwise it fits the observations, for differences that are small next to the values.
     */
    static BufferedImage draw(
            String title,
            String yLabel,
            List<String> labels,
            List<double[]> groups,
            boolean fromZero) {
        double lo = fromZero ? 0 : Double.POSITIVE_INFINITY;
        double hi = fromZero ? 0 : Double.NEGATIVE_INFINITY;
        for (double[] values : groups) {
            for (double v : values) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        Ticks y = Ticks.fit(lo, hi, 0.08, false, true);
        int top = Charts.TITLE_BAND + 10;
        Charts.Frame f =
                new Charts.Frame(
                        Charts.LEFT,
                        Charts.W - Charts.RIGHT,
                        top,
                        top + Charts.PLOT_HEIGHT,
                        new Ticks(-0.5, labels.size() - 0.5, 1, Charts.indices(labels.size())),
                        y,
                        null);
        BufferedImage image = Charts.canvas(Charts.W, f.bottom() + 50);
        Graphics2D g = Charts.graphics(image);
        g.setFont(Charts.TITLE);
        g.drawString(title, Charts.LEFT, 28);
        Charts.grid(g, f);
        Charts.axes(
                g,
                new Charts.Spec(
                        title, "", false, yLabel, false, "", List.of(), List.of(), labels,
                        List.of()),
                new Charts.Layout(f, List.of(), 0, 0));
        double slot = (double) (f.x1() - f.x0()) / labels.size();
        double zero = f.py(Math.max(0, y.lo()), Charts.Side.LEFT);
        g.setFont(Charts.TEXT);
        for (int i = 0; i < labels.size(); i++) {
            double[] values = groups.get(i);
            double mean = Arrays.stream(values).average().orElse(0);
            double min = Arrays.stream(values).min().orElse(0);
            double max = Arrays.stream(values).max().orElse(0);
            double centre = f.px(i);
            double x = centre - slot * 0.3;
            Color c = Charts.PALETTE[i % Charts.PALETTE.length];
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 110));
            if (fromZero) {
                g.fill(
                        new Rectangle2D.Double(
                                x,
                                Math.min(zero, f.py(mean, Charts.Side.LEFT)),
                                slot * 0.6,
                                Math.abs(zero - f.py(mean, Charts.Side.LEFT))));
            } else {
                g.fill(new Rectangle2D.Double(x, f.py(mean, Charts.Side.LEFT) - 2, slot * 0.6, 4));
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            g.draw(
                    new Line2D.Double(
                            centre,
                            f.py(min, Charts.Side.LEFT),
                            centre,
                            f.py(max, Charts.Side.LEFT)));
            g.draw(
                    new Line2D.Double(
                            centre - 6,
                            f.py(min, Charts.Side.LEFT),
                            centre + 6,
                            f.py(min, Charts.Side.LEFT)));
            g.draw(
                    new Line2D.Double(
                            centre - 6,
                            f.py(max, Charts.Side.LEFT),
                            centre + 6,
                            f.py(max, Charts.Side.LEFT)));
            for (int k = 0; k < values.length; k++) {
                double dx = values.length == 1 ? 0 : (k - (values.length - 1) / 2.0) * 8;
                g.setColor(c.darker());
                g.fill(
                        new Ellipse2D.Double(
                                centre + dx - 4, f.py(values[k], Charts.Side.LEFT) - 4, 8, 8));
            }
            g.setColor(Color.BLACK);
            g.drawString(
                    Charts.valueLabel(mean, y),
                    (float) (centre + slot * 0.3 + 2),
                    (float) f.py(mean, Charts.Side.LEFT) + 4);
        }
        if (fromZero && y.lo() < 0) {
            g.setColor(Color.GRAY);
            g.draw(new Line2D.Double(f.x0(), zero, f.x1(), zero));
        }
        g.dispose();
        return image;
    }
}
