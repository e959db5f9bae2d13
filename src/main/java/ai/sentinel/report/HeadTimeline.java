package ai.sentinel.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Heads over time: one row per head (L0H0, L0H1, …), one column per controller step. Cells are
 * small and carry no text, so a colour bar or a legend says what the colours mean.
 */
final class HeadTimeline {
    private static final int LEFT = 70;
    private static final int TOP = 62;
    private static final int PLOT_WIDTH = 780;
    private static final Color NO_VALUE = Color.WHITE;
    private static final Color LAYER_LINE = new Color(90, 90, 90);

    /**
     * What the map shows: row names (heads, layer by layer), the optimizer step of each column, and
     * the note under the title (what the colours are, which columns were drawn).
     */
    record Axes(List<String> rows, long[] steps, String note) {}

    /** A category's colour and its legend label. */
    record Category(Color color, String label) {}

    private HeadTimeline() {}

    /**
     * Values on a colour scale from {@code lo} to {@code hi} (NaN for both: the values' own range);
     * non-finite values (not measured, removed) are white.
     */
    static BufferedImage values(
            String title, Axes axes, double[][] values, double lo, double hi, String format) {
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (double[] row : values) {
                for (double v : row) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        double from = lo;
        double span = hi > lo ? hi - lo : 1;
        Frame f = Frame.of(axes);
        BufferedImage image = Charts.canvas(Charts.W, f.bottom() + 100);
        Graphics2D g = Charts.graphics(image);
        draw(
                g,
                title,
                axes,
                f,
                (r, c) ->
                        Double.isFinite(values[r][c])
                                ? HeatMaps.scale((values[r][c] - from) / span)
                                : NO_VALUE);
        colourBar(g, f.bottom() + 56, lo, hi, format);
        g.dispose();
        return image;
    }

    /** Each cell one of {@code categories} (index per cell), with a legend of those that occur. */
    static BufferedImage categories(
            String title, Axes axes, int[][] cells, List<Category> categories) {
        Frame f = Frame.of(axes);
        BufferedImage image = Charts.canvas(Charts.W, f.bottom() + 100);
        Graphics2D g = Charts.graphics(image);
        draw(g, title, axes, f, (r, c) -> categories.get(cells[r][c]).color());
        int x = LEFT;
        int y = f.bottom() + 56;
        g.setFont(Charts.TEXT);
        boolean[] used = new boolean[categories.size()];
        for (int[] row : cells) {
            for (int k : row) {
                used[k] = true;
            }
        }
        for (int k = 0; k < categories.size(); k++) {
            if (!used[k]) {
                continue;
            }
            Category category = categories.get(k);
            int width = g.getFontMetrics().stringWidth(category.label());
            if (x + 20 + width > Charts.W - 20) {
                x = LEFT;
                y += 20;
            }
            swatch(g, x, y, category.color());
            g.setColor(Color.BLACK);
            g.drawString(category.label(), x + 20, y + 12);
            x += 40 + width;
        }
        g.dispose();
        return image;
    }

    /** The cell grid's size in pixels: as wide as the plot allows, rows at most 16 pixels. */
    private record Frame(int cellWidth, int cellHeight, int rows, int columns) {
        static Frame of(Axes axes) {
            int columns = axes.steps().length;
            int rows = axes.rows().size();
            return new Frame(
                    Math.max(1, Math.min(48, PLOT_WIDTH / columns)),
                    Math.max(3, Math.min(16, 640 / rows)),
                    rows,
                    columns);
        }

        int bottom() {
            return TOP + rows * cellHeight;
        }

        int right() {
            return LEFT + columns * cellWidth;
        }
    }

    @FunctionalInterface
    private interface Colours {
        Color at(int row, int column);
    }

    private static void draw(Graphics2D g, String title, Axes axes, Frame f, Colours colours) {
        g.setFont(Charts.TITLE);
        g.drawString(title, LEFT, 26);
        g.setFont(Charts.TEXT);
        g.drawString(axes.note(), LEFT, 46);
        for (int r = 0; r < f.rows(); r++) {
            for (int c = 0; c < f.columns(); c++) {
                g.setColor(colours.at(r, c));
                g.fillRect(
                        LEFT + c * f.cellWidth(),
                        TOP + r * f.cellHeight(),
                        f.cellWidth(),
                        f.cellHeight());
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(11, Math.max(8, f.cellHeight()))));
        FontMetrics fm = g.getFontMetrics();
        for (int r = 0; r < f.rows(); r++) {
            String name = axes.rows().get(r);
            boolean layerStart = name.endsWith("H0");
            if (layerStart && r > 0) { // the layers apart: a line where each begins
                g.setColor(LAYER_LINE);
                g.drawLine(LEFT - 4, TOP + r * f.cellHeight(), f.right(), TOP + r * f.cellHeight());
            }
            if (f.cellHeight() >= 9 || layerStart) {
                g.setColor(Color.BLACK);
                g.drawString(
                        name,
                        LEFT - 6 - fm.stringWidth(name),
                        TOP + r * f.cellHeight() + f.cellHeight() / 2 + fm.getAscent() / 2 - 1);
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, f.right() - LEFT, f.bottom() - TOP);
        stepAxis(g, axes.steps(), f);
    }

    /** About six columns labelled with their optimizer step, the first and the last among them. */
    private static void stepAxis(Graphics2D g, long[] steps, Frame f) {
        g.setFont(Charts.TEXT);
        FontMetrics fm = g.getFontMetrics();
        int labels = Math.min(steps.length, 6);
        double lastEnd = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < labels; i++) {
            int c = labels == 1 ? 0 : (int) Math.round(i * (steps.length - 1) / (labels - 1.0));
            String label = String.valueOf(steps[c]);
            double centre = LEFT + (c + 0.5) * f.cellWidth();
            double start = centre - fm.stringWidth(label) / 2.0;
            if (start < lastEnd + 6) {
                continue;
            }
            g.drawLine((int) centre, f.bottom(), (int) centre, f.bottom() + 4);
            g.drawString(label, (float) start, f.bottom() + 18);
            lastEnd = start + fm.stringWidth(label);
        }
        String xLabel = "optimizer step of each controller snapshot";
        g.drawString(
                xLabel,
                (float) Math.max(LEFT, (LEFT + f.right()) / 2.0 - fm.stringWidth(xLabel) / 2.0),
                f.bottom() + 36);
    }

    private static void colourBar(Graphics2D g, int y, double lo, double hi, String format) {
        int width = 240;
        for (int i = 0; i < width; i++) {
            g.setColor(HeatMaps.scale(i / (width - 1.0)));
            g.fillRect(LEFT + i, y, 1, 14);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, y, width, 14);
        g.setFont(Charts.TEXT);
        g.setColor(Color.BLACK);
        String low = String.format(format, lo);
        g.drawString(low, LEFT - 6 - g.getFontMetrics().stringWidth(low), y + 12);
        g.drawString(String.format(format, hi), LEFT + width + 6, y + 12);
        int x = LEFT + width + 90;
        swatch(g, x, y, NO_VALUE);
        g.setColor(Color.BLACK);
        g.drawString("not measured or removed", x + 20, y + 12);
    }

    private static void swatch(Graphics2D g, int x, int y, Color color) {
        g.setColor(color);
        g.fillRect(x, y, 14, 14);
        g.setColor(Color.GRAY);
        g.drawRect(x, y, 14, 14);
    }
}
