package ai.sentinel.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/** Minimal, dependency-free charts: line charts with phase markers, bar charts and heat maps, written as PNG. */
final class Charts {
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
    private static final int W = 900;
    private static final int H = 420;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    /** How a series is drawn. */
    enum Style {
        LINE,
        POINTS,
        LINE_AND_POINTS
    }

    /** A named series of (x, y) points. */
    record Series(String name, double[] x, double[] y, Style style) {}

    /** A labelled vertical line at x (a phase boundary). */
    record Marker(double x, String label) {}

    private Charts() {}

    static BufferedImage canvas(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static void write(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    static BufferedImage lineChart(String title, String xLabel, String yLabel, List<Series> series,
            List<Marker> markers) {
        BufferedImage image = canvas(W, H);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double[] xr = range(series, true);
        double[] yr = range(series, false);
        Axes axes = new Axes(xr[0], xr[1], yr[0], yr[1]);
        frame(g, title, xLabel, yLabel, axes);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (Marker m : markers) {
            double x = axes.px(m.x());
            g.setColor(new Color(150, 150, 150));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4, 4},
                    0));
            g.draw(new Line2D.Double(x, TOP, x, H - BOTTOM));
            g.setColor(new Color(90, 90, 90));
            drawRotated(g, m.label(), x + 4, TOP + 4);
        }
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(PALETTE[i % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            for (int k = 1; k < s.x().length && s.style() != Style.POINTS; k++) {
                g.draw(new Line2D.Double(axes.px(s.x()[k - 1]), axes.py(s.y()[k - 1]), axes.px(s.x()[k]),
                        axes.py(s.y()[k])));
            }
            if (s.style() != Style.LINE) {
                for (int k = 0; k < s.x().length; k++) {
                    g.fill(new Rectangle2D.Double(axes.px(s.x()[k]) - 3.5, axes.py(s.y()[k]) - 3.5, 7, 7));
                }
            }
        }
        if (series.size() > 1) {
            legend(g, series.stream().map(Series::name).toList());
        }
        g.dispose();
        return image;
    }

    static BufferedImage barChart(String title, String yLabel, List<String> labels, double[] values) {
        BufferedImage image = canvas(W, H);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        Axes axes = new Axes(0, labels.size(), 0, max * 1.15);
        frame(g, title, "", yLabel, axes);
        double slot = (double) (W - LEFT - RIGHT) / labels.size();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < labels.size(); i++) {
            double x = LEFT + i * slot + slot * 0.2;
            double y = axes.py(values[i]);
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fill(new Rectangle2D.Double(x, y, slot * 0.6, H - BOTTOM - y));
            g.setColor(Color.BLACK);
            String v = String.format("%.2f", values[i]);
            g.drawString(v, (float) (x + slot * 0.3 - fm.stringWidth(v) / 2.0), (float) y - 5);
            g.drawString(labels.get(i), (float) (x + slot * 0.3 - fm.stringWidth(labels.get(i)) / 2.0), H - BOTTOM
                    + 18);
        }
        g.dispose();
        return image;
    }

    /**
     * One group per label: the mean (a bar from zero, or a mark where the axis does not start at zero), a dot per
     * observation (one per seed) and a whisker from the smallest to the largest, so that the spread reads as clearly
     * as the mean. {@code fromZero}: the axis includes zero; otherwise it spans the observations, for differences
     * that are small next to the values.
     */
    static BufferedImage spreadChart(String title, String yLabel, List<String> labels, List<double[]> groups,
            boolean fromZero) {
        BufferedImage image = canvas(W, H);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double lo = fromZero ? 0 : Double.POSITIVE_INFINITY;
        double hi = fromZero ? 0 : Double.NEGATIVE_INFINITY;
        for (double[] values : groups) {
            for (double v : values) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double pad = (hi - lo) * 0.12 + 1e-9;
        Axes axes = new Axes(0, labels.size(), fromZero && lo >= 0 ? 0 : lo - pad, hi + pad);
        frame(g, title, "", yLabel, axes);
        double slot = (double) (W - LEFT - RIGHT) / labels.size();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        double zero = axes.py(Math.max(0, axes.y0()));
        for (int i = 0; i < labels.size(); i++) {
            double[] values = groups.get(i);
            double mean = Arrays.stream(values).average().orElse(0);
            double min = Arrays.stream(values).min().orElse(0);
            double max = Arrays.stream(values).max().orElse(0);
            double x = LEFT + i * slot + slot * 0.2;
            double centre = x + slot * 0.3;
            double top = Math.min(zero, axes.py(mean));
            Color c = PALETTE[i % PALETTE.length];
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 110));
            if (fromZero) {
                g.fill(new Rectangle2D.Double(x, top, slot * 0.6, Math.abs(zero - axes.py(mean))));
            } else {
                g.fill(new Rectangle2D.Double(x, axes.py(mean) - 2, slot * 0.6, 4));
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            g.draw(new Line2D.Double(centre, axes.py(min), centre, axes.py(max)));
            g.draw(new Line2D.Double(centre - 6, axes.py(min), centre + 6, axes.py(min)));
            g.draw(new Line2D.Double(centre - 6, axes.py(max), centre + 6, axes.py(max)));
            for (int k = 0; k < values.length; k++) {
                double dx = values.length == 1 ? 0 : (k - (values.length - 1) / 2.0) * 8;
                g.setColor(c.darker());
                g.fill(new Ellipse2D.Double(centre + dx - 4, axes.py(values[k]) - 4, 8, 8));
            }
            g.setColor(Color.BLACK);
            String v = String.format("%.2f", mean);
            g.drawString(v, (float) (centre + slot * 0.3 + 2), (float) axes.py(mean) + 4);
            g.drawString(labels.get(i), (float) (centre - fm.stringWidth(labels.get(i)) / 2.0), H - BOTTOM + 18);
        }
        if (fromZero) {
            g.setColor(Color.GRAY);
            g.draw(new Line2D.Double(LEFT, zero, W - RIGHT, zero));
        }
        g.dispose();
        return image;
    }

    /** Axis ranges and the mapping from data to pixels. */
    record Axes(double x0, double x1, double y0, double y1) {
        double px(double x) {
            return LEFT + (x - x0) / (x1 - x0 == 0 ? 1 : x1 - x0) * (W - LEFT - RIGHT);
        }

        double py(double y) {
            return H - BOTTOM - (y - y0) / (y1 - y0 == 0 ? 1 : y1 - y0) * (H - TOP - BOTTOM);
        }
    }

    private static void frame(Graphics2D g, String title, String xLabel, String yLabel, Axes a) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setStroke(new BasicStroke(1f));
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        for (int i = 0; i <= 5; i++) {
            double y = a.y0() + (a.y1() - a.y0()) * i / 5;
            int py = (int) a.py(y);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT + 1, py, W - RIGHT, py);
            g.setColor(Color.BLACK);
            String yTick = tick(y, a.y1() - a.y0());
            g.drawString(yTick, LEFT - 6 - g.getFontMetrics().stringWidth(yTick), py + 4);
            if (!xLabel.isEmpty()) {
                double x = a.x0() + (a.x1() - a.x0()) * i / 5;
                g.drawString(tick(x, a.x1() - a.x0()), (int) a.px(x) - 10, H - BOTTOM + 16);
            }
        }
        g.drawString(xLabel, (W - LEFT) / 2 + LEFT - 20, H - 18);
        drawRotated(g, yLabel, 6, TOP + (H - TOP - BOTTOM) / 2.0 + 30);
    }

    private static void drawRotated(Graphics2D g, String text, double x, double y) {
        Graphics2D r = (Graphics2D) g.create();
        r.translate(x, y);
        r.rotate(-Math.PI / 2);
        r.drawString(text, -r.getFontMetrics().stringWidth(text), 10);
        r.dispose();
    }

    private static void legend(Graphics2D g, List<String> names) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = W - RIGHT - 200;
        for (int i = 0; i < names.size(); i++) {
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(x, TOP + 6 + i * 18, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x + 18, TOP + 17 + i * 18);
        }
    }

    /** Enough decimals that ticks a fifth of {@code span} apart read differently. */
    private static String tick(double v, double span) {
        int decimals = span <= 0 ? 2 : Math.max(0, Math.min(6, (int) Math.ceil(-Math.log10(span / 5)) + 1));
        return String.format("%." + decimals + "f", v);
    }

    private static double[] range(List<Series> series, boolean x) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : x ? s.x() : s.y()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (!Double.isFinite(min)) {
            return new double[] {0, 1};
        }
        if (max == min) {
            return new double[] {min - 0.5, max + 0.5};
        }
        double pad = x ? 0 : (max - min) * 0.08 + 1e-9;
        return new double[] {x ? min : Math.max(0, min - pad), max + pad};
    }
}
