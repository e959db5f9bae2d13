package ai.sentinel.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Minimal, dependency-free charts written as PNG: line charts (numeric or categorical x, an
 * optional second y-axis on the right, labelled vertical markers); {@link SpreadChart} draws
 * per-group spreads. Axes fit the data with a small margin and carry round ticks ({@link Ticks});
 * the legend and the marker labels have bands of their own, outside the plot area, so they never
 * cover data or each other.
 */
final class Charts {
    static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xd62728),
        new Color(0x2ca02c),
        new Color(0xff7f0e),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f)
    };
    static final int W = 900;
    static final int PLOT_HEIGHT = 300;
    static final int LEFT = 80;
    static final int RIGHT = 30;
    private static final int RIGHT_WITH_AXIS = 90;
    static final int TITLE_BAND = 40;
    static final int ROW = 16;
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color GRID = new Color(232, 232, 232);
    private static final Color MARKER = new Color(150, 150, 150);

    /** How a series is drawn. */
    enum Style {
        LINE,
        POINTS,
        LINE_AND_POINTS,
        /** A bar from 0 to y at each x; several bar series stand side by side. */
        BARS
    }

    /** Which y-axis a series is read against. */
    enum Side {
        LEFT,
        RIGHT
    }

    /**
     * A named series of (x, y) points. {@code color} null: the palette colour of its position.
     * {@code valueLabels}: print each y next to its point (for charts of a few points whose
     * differences matter).
     */
    record Series(
            String name,
            double[] x,
            double[] y,
            Style style,
            Color color,
            Side side,
            boolean dashed,
            boolean valueLabels) {
        Series(String name, double[] x, double[] y, Style style) {
            this(name, x, y, style, null, Side.LEFT, false, false);
        }
    }

    /** A labelled vertical line at x (a phase boundary). */
    record Marker(double x, String label) {}

    /**
     * What a line chart shows. {@code categories}: names of x = 0, 1, 2, … (empty for a numeric
     * x-axis); {@code groups}: a second row of labels under runs of categories (e.g. the cycle),
     * empty if none; {@code yAxis}: the left axis, or null to fit it to the left-side series (what
     * falls outside is clipped); {@code xAxis}: the x-axis, or null to fit it (charts stacked over
     * one another share it).
     */
    record Spec(
            String title,
            String xLabel,
            boolean xIntegers,
            String yLabel,
            boolean yIntegers,
            String rightLabel,
            List<Series> series,
            List<Marker> markers,
            List<String> categories,
            List<Group> groups,
            Ticks yAxis,
            Ticks xAxis) {
        Spec(
                String title,
                String xLabel,
                boolean xIntegers,
                String yLabel,
                boolean yIntegers,
                String rightLabel,
                List<Series> series,
                List<Marker> markers,
                List<String> categories,
                List<Group> groups,
                Ticks yAxis) {
            this(
                    title,
                    xLabel,
                    xIntegers,
                    yLabel,
                    yIntegers,
                    rightLabel,
                    series,
                    markers,
                    categories,
                    groups,
                    yAxis,
                    null);
        }

        Spec(
                String title,
                String xLabel,
                boolean xIntegers,
                String yLabel,
                boolean yIntegers,
                String rightLabel,
                List<Series> series,
                List<Marker> markers,
                List<String> categories,
                List<Group> groups) {
            this(
                    title,
                    xLabel,
                    xIntegers,
                    yLabel,
                    yIntegers,
                    rightLabel,
                    series,
                    markers,
                    categories,
                    groups,
                    null);
        }
    }

    /** A label under categories {@code from}..{@code to} (inclusive). */
    record Group(int from, int to, String label) {}

    private Charts() {}

    static BufferedImage canvas(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static void write(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    /** A line chart on a numeric x-axis, the left y-axis only (the form experiment scripts use). */
    static BufferedImage lineChart(
            String title, String xLabel, String yLabel, List<Series> series, List<Marker> markers) {
        return lineChart(
                new Spec(
                        title, xLabel, false, yLabel, false, "", series, markers, List.of(),
                        List.of()));
    }

    static BufferedImage lineChart(Spec spec) {
        Layout layout = Layout.of(spec);
        BufferedImage image = canvas(W, layout.height());
        Graphics2D g = graphics(image);
        g.setFont(TITLE);
        g.drawString(spec.title(), LEFT, 28);
        Frame f = layout.frame();
        grid(g, f);
        markers(g, f, layout.markerRows());
        g.setClip(
                f.x0() - 6,
                f.top() - 6,
                f.x1() - f.x0() + 12,
                f.bottom() - f.top() + 12); // points keep their size
        Bars bars = Bars.of(spec.series(), f);
        for (int i = 0; i < spec.series().size(); i++) {
            draw(g, f, spec.series().get(i), i, bars);
        }
        g.setClip(null);
        axes(g, spec, layout);
        Legend.draw(g, spec.series(), layout.legendTop());
        g.dispose();
        return image;
    }

    /** Where everything goes: the plot frame, the marker-label rows above it, the legend below. */
    record Layout(Frame frame, List<List<Marker>> markerRows, int legendTop, int height) {
        static Layout of(Spec spec) {
            Graphics2D probe = graphics(canvas(1, 1));
            probe.setFont(SMALL);
            boolean right = spec.series().stream().anyMatch(s -> s.side() == Side.RIGHT);
            int x0 = LEFT;
            int x1 = W - (right ? RIGHT_WITH_AXIS : RIGHT);
            Ticks xTicks =
                    spec.xAxis() != null
                            ? spec.xAxis()
                            : spec.categories().isEmpty()
                                    ? fit(spec.series(), true, null, spec.xIntegers(), 0.02)
                                    : new Ticks(
                                            -0.5,
                                            spec.categories().size() - 0.5,
                                            1,
                                            indices(spec.categories().size()));
            List<List<Marker>> rows = Charts.markerRows(probe, spec.markers(), xTicks, x0, x1);
            int top = TITLE_BAND + rows.size() * ROW + (rows.isEmpty() ? 10 : 6);
            int bottom = top + PLOT_HEIGHT;
            Ticks left =
                    spec.yAxis() != null
                            ? spec.yAxis()
                            : fit(spec.series(), false, Side.LEFT, spec.yIntegers(), 0.06);
            Frame frame =
                    new Frame(
                            x0,
                            x1,
                            top,
                            bottom,
                            xTicks,
                            left,
                            right
                                    ? fit(
                                            spec.series(),
                                            false,
                                            Side.RIGHT,
                                            wholeNumbers(spec.series(), Side.RIGHT),
                                            0.06)
                                    : null);
            int below =
                    bottom
                            + 20
                            + (spec.groups().isEmpty() ? 0 : ROW)
                            + (spec.xLabel().isEmpty() ? 0 : 20);
            int legendRows = Legend.rows(probe, spec.series());
            probe.dispose();
            return new Layout(frame, rows, below + 4, below + 10 + legendRows * (ROW + 2) + 8);
        }
    }

    /**
     * The plot area in pixels and the axes' ranges. {@code right} is null without a second axis.
     */
    record Frame(int x0, int x1, int top, int bottom, Ticks x, Ticks left, Ticks right) {
        double px(double v) {
            return x0 + (v - x.lo()) / span(x) * (x1 - x0);
        }

        double py(double v, Side side) {
            Ticks t = side == Side.RIGHT ? right : left;
            return bottom - (v - t.lo()) / span(t) * (bottom - top);
        }

        private static double span(Ticks t) {
            return t.hi() - t.lo() == 0 ? 1 : t.hi() - t.lo();
        }
    }

    /** The fitted axis of every finite x (or y of one side) in {@code series}. */
    static Ticks fit(List<Series> series, boolean x, Side side, boolean integers, double margin) {
        // x: steps or cycles start at their first value, and a point on the frame would hide under
        // the axis
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            if (side != null && s.side() != side) {
                continue;
            }
            for (double v : x ? s.x() : s.y()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return Ticks.fit(min, max, margin, integers, !x);
    }

    /** Whether every finite y of one side's series is a whole number (head counts). */
    private static boolean wholeNumbers(List<Series> series, Side side) {
        return series.stream()
                .filter(s -> s.side() == side)
                .flatMapToDouble(s -> java.util.Arrays.stream(s.y()))
                .filter(Double::isFinite)
                .allMatch(v -> v == Math.rint(v));
    }

    static List<Double> indices(int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add((double) i);
        }
        return out;
    }

    static void grid(Graphics2D g, Frame f) {
        g.setStroke(new BasicStroke(1f));
        g.setColor(GRID);
        for (double v : f.left().values()) {
            g.draw(new Line2D.Double(f.x0() + 1, f.py(v, Side.LEFT), f.x1(), f.py(v, Side.LEFT)));
        }
    }

    static void axes(Graphics2D g, Spec spec, Layout layout) {
        Frame f = layout.frame();
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(f.x0(), f.bottom(), f.x1(), f.bottom());
        g.drawLine(f.x0(), f.top(), f.x0(), f.bottom());
        g.setFont(SMALL);
        FontMetrics fm = g.getFontMetrics();
        for (double v : f.left().values()) {
            String label = f.left().label(v);
            g.drawString(label, f.x0() - 6 - fm.stringWidth(label), (float) f.py(v, Side.LEFT) + 4);
        }
        if (f.right() != null) {
            g.drawLine(f.x1(), f.top(), f.x1(), f.bottom());
            for (double v : f.right().values()) {
                g.drawLine(
                        f.x1(), (int) f.py(v, Side.RIGHT), f.x1() + 4, (int) f.py(v, Side.RIGHT));
                g.drawString(f.right().label(v), f.x1() + 7, (float) f.py(v, Side.RIGHT) + 4);
            }
            drawRotated(g, spec.rightLabel(), W - 16, (f.top() + f.bottom()) / 2.0, true);
        }
        int y = f.bottom() + 16;
        List<Double> xs = f.x().values();
        for (int i = 0; i < xs.size(); i++) {
            String label =
                    spec.categories().isEmpty() ? f.x().label(xs.get(i)) : spec.categories().get(i);
            double px = f.px(xs.get(i));
            g.drawLine((int) px, f.bottom(), (int) px, f.bottom() + 4);
            g.drawString(label, (float) (px - fm.stringWidth(label) / 2.0), y);
        }
        for (Group group : spec.groups()) {
            double centre = (f.px(group.from()) + f.px(group.to())) / 2;
            g.drawString(
                    group.label(), (float) (centre - fm.stringWidth(group.label()) / 2.0), y + ROW);
            if (group.from() > 0) {
                double edge = f.px(group.from() - 0.5);
                g.setColor(MARKER);
                g.draw(new Line2D.Double(edge, f.bottom() + 4, edge, y + ROW + 2));
                g.setColor(Color.BLACK);
            }
        }
        g.setFont(TEXT);
        if (!spec.xLabel().isEmpty()) {
            int labelY = y + (spec.groups().isEmpty() ? 0 : ROW) + 20;
            g.drawString(
                    spec.xLabel(),
                    (float)
                            ((f.x0() + f.x1()) / 2.0
                                    - g.getFontMetrics().stringWidth(spec.xLabel()) / 2.0),
                    labelY);
        }
        drawRotated(g, spec.yLabel(), 18, (f.top() + f.bottom()) / 2.0, false);
    }

    /**
     * Marker labels in rows above the plot: each goes in the first row where it overlaps no other
     * label.
     */
    private static List<List<Marker>> markerRows(
            Graphics2D g, List<Marker> markers, Ticks x, int x0, int x1) {
        List<List<Marker>> rows = new ArrayList<>();
        List<Double> rowEnds = new ArrayList<>();
        FontMetrics fm = g.getFontMetrics(SMALL);
        for (Marker m :
                markers.stream().sorted(java.util.Comparator.comparingDouble(Marker::x)).toList()) {
            double px =
                    x0
                            + (m.x() - x.lo())
                                    / (x.hi() - x.lo() == 0 ? 1 : x.hi() - x.lo())
                                    * (x1 - x0);
            double start = labelStart(px, fm.stringWidth(m.label()), x1);
            int row = 0;
            while (row < rows.size() && rowEnds.get(row) > start - 8) {
                row++;
            }
            if (row == rows.size()) {
                rows.add(new ArrayList<>());
                rowEnds.add(Double.NEGATIVE_INFINITY);
            }
            rows.get(row).add(m);
            rowEnds.set(row, start + fm.stringWidth(m.label()));
        }
        return rows;
    }

    /** A label starts at its line, unless that would run past the plot's right edge. */
    private static double labelStart(double px, int width, int x1) {
        return Math.min(px + 3, x1 - width);
    }

    private static void markers(Graphics2D g, Frame f, List<List<Marker>> rows) {
        g.setFont(SMALL);
        FontMetrics fm = g.getFontMetrics();
        for (int r = 0; r < rows.size(); r++) {
            int labelY = TITLE_BAND + (r + 1) * ROW - 3;
            for (Marker m : rows.get(r)) {
                double x = f.px(m.x());
                g.setColor(MARKER);
                g.setStroke(
                        new BasicStroke(
                                1f,
                                BasicStroke.CAP_BUTT,
                                BasicStroke.JOIN_MITER,
                                10f,
                                new float[] {4, 4},
                                0));
                g.draw(new Line2D.Double(x, labelY + 3, x, f.bottom()));
                g.setColor(new Color(80, 80, 80));
                g.drawString(
                        m.label(),
                        (float) labelStart(x, fm.stringWidth(m.label()), f.x1()),
                        labelY);
            }
        }
    }

    /**
     * Where bars go: one slot per x, shared by the bar series side by side, as wide as 80% of the
     * narrowest gap between neighbouring x values.
     */
    private record Bars(List<Series> series, double slot) {
        static Bars of(List<Series> all, Frame f) {
            List<Series> bars = all.stream().filter(s -> s.style() == Style.BARS).toList();
            double gap = f.x1() - f.x0();
            for (Series s : bars) {
                for (int k = 1; k < s.x().length; k++) {
                    gap = Math.min(gap, Math.abs(f.px(s.x()[k]) - f.px(s.x()[k - 1])));
                }
            }
            return new Bars(bars, Math.max(2, Math.min(40, 0.8 * gap)));
        }

        void draw(Graphics2D g, Frame f, Series s) {
            double width = slot / series.size();
            double offset = -slot / 2 + series.indexOf(s) * width;
            double zero = f.py(Math.max(0, f.left().lo()), s.side());
            for (int k = 0; k < s.x().length; k++) {
                if (Double.isFinite(s.y()[k]) && s.y()[k] != 0) {
                    double top = f.py(s.y()[k], s.side());
                    g.fill(
                            new Rectangle2D.Double(
                                    f.px(s.x()[k]) + offset,
                                    Math.min(top, zero),
                                    Math.max(1, width - 1),
                                    Math.abs(zero - top)));
                }
            }
        }
    }

    /**
     * Charts drawn one above the other in one image (each as wide as {@link #W}); give them one
     * x-axis ({@link Spec#xAxis}) so their steps line up.
     */
    static BufferedImage stack(List<BufferedImage> images) {
        int height = images.stream().mapToInt(BufferedImage::getHeight).sum();
        BufferedImage out = canvas(W, height);
        Graphics2D g = out.createGraphics();
        int y = 0;
        for (BufferedImage image : images) {
            g.drawImage(image, 0, y, null);
            y += image.getHeight();
        }
        g.dispose();
        return out;
    }

    private static void draw(Graphics2D g, Frame f, Series s, int index, Bars bars) {
        Color color = color(s, index);
        g.setColor(color);
        if (s.style() == Style.BARS) {
            bars.draw(g, f, s);
            return;
        }
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
        if (s.style() != Style.POINTS) {
            for (int k = 1; k < s.x().length; k++) {
                if (Double.isFinite(s.y()[k - 1]) && Double.isFinite(s.y()[k])) {
                    g.draw(
                            new Line2D.Double(
                                    f.px(s.x()[k - 1]),
                                    f.py(s.y()[k - 1], s.side()),
                                    f.px(s.x()[k]),
                                    f.py(s.y()[k], s.side())));
                }
            }
        }
        g.setFont(SMALL);
        Ticks axis = s.side() == Side.RIGHT ? f.right() : f.left();
        for (int k = 0; k < s.x().length; k++) {
            if (!Double.isFinite(s.y()[k])) {
                continue;
            }
            double px = f.px(s.x()[k]);
            double py = f.py(s.y()[k], s.side());
            if (s.style() != Style.LINE) {
                g.setColor(color);
                g.fill(shape(index, px, py, 4));
            }
            if (s.valueLabels()) {
                g.setColor(Color.BLACK);
                String text = valueLabel(s.y()[k], axis);
                g.drawString(
                        text,
                        (float) (px - g.getFontMetrics().stringWidth(text) / 2.0),
                        (float) py - 9);
            }
        }
    }

    /**
     * One decimal finer than the axis ticks, so neighbouring points that share a tick still read
     * differently.
     */
    static String valueLabel(double v, Ticks axis) {
        return String.format(
                "%." + (axis.decimals() + (axis.step() >= 1 && v == Math.rint(v) ? 0 : 1)) + "f",
                v);
    }

    /** Circle, square, triangle, diamond, …: series that overlap stay distinguishable. */
    static Shape shape(int index, double x, double y, double r) {
        return switch (index % 4) {
            case 0 -> new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
            case 1 -> new Rectangle2D.Double(x - r, y - r, 2 * r, 2 * r);
            case 2 ->
                    polygon(
                            new double[] {x, x + r * 1.2, x - r * 1.2},
                            new double[] {y - r * 1.2, y + r, y + r});
            default ->
                    polygon(
                            new double[] {x, x + r * 1.3, x, x - r * 1.3},
                            new double[] {y - r * 1.3, y, y + r * 1.3, y});
        };
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            p.lineTo(xs[i], ys[i]);
        }
        p.closePath();
        return p;
    }

    static Color color(Series s, int index) {
        return s.color() != null ? s.color() : PALETTE[index % PALETTE.length];
    }

    private static void drawRotated(
            Graphics2D g, String text, double x, double centreY, boolean clockwise) {
        Graphics2D r = (Graphics2D) g.create();
        r.setFont(TEXT);
        r.setColor(Color.BLACK);
        r.translate(x, centreY);
        r.rotate(clockwise ? Math.PI / 2 : -Math.PI / 2);
        r.drawString(text, -r.getFontMetrics().stringWidth(text) / 2f, 0);
        r.dispose();
    }

    static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        return g;
    }
}
