package ai.sentinel.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;

/** Layer × head grids: head states per stage, and measured values (entropy, gradient norm). */
final class HeatMaps {
    private static final int CELL = 42;
    private static final int MARGIN = 60;
    private static final Color ACTIVE = new Color(0x2ca02c);
    private static final Color PRUNED = new Color(0xc8c8c8);
    private static final Color GROWN = new Color(0x1f77b4);

    /**
     * One stage's head map: mask (1 active), gate values, presence, and which heads were just
     * grown.
     */
    record Panel(
            String title, int[][] mask, double[][] gates, boolean[][] present, Set<String> grown) {}

    private HeatMaps() {}

    static BufferedImage headStates(String title, List<Panel> panels) {
        int layers = panels.get(0).mask().length;
        int heads = panels.get(0).mask()[0].length;
        int panelW = heads * CELL + MARGIN;
        BufferedImage image =
                Charts.canvas(panels.size() * panelW + MARGIN, layers * CELL + 2 * MARGIN + 40);
        Graphics2D g = graphics(image);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, MARGIN, 26);
        for (int p = 0; p < panels.size(); p++) {
            Panel panel = panels.get(p);
            int x0 = MARGIN + p * panelW;
            grid(
                    g,
                    panel.title(),
                    x0,
                    layers,
                    heads,
                    (l, h) -> {
                        String id = "L" + l + "H" + h;
                        if (!panel.present()[l][h]) {
                            return new Cell(Color.WHITE, "×");
                        }
                        double gate = panel.gates()[l][h];
                        String text = gate == 1.0 ? "" : String.format("%.2f", gate);
                        if (panel.mask()[l][h] == 0) {
                            return new Cell(PRUNED, "");
                        }
                        return panel.grown().contains(id)
                                ? new Cell(GROWN, text.isEmpty() ? "new" : text)
                                : new Cell(
                                        blend(Color.WHITE, ACTIVE, 0.35 + 0.65 * Math.min(1, gate)),
                                        text);
                    });
        }
        legend(
                g,
                layers * CELL + MARGIN + 58,
                new Color[] {ACTIVE, GROWN, PRUNED, Color.WHITE},
                new String[] {
                    "active (shade = gate)", "newly grown (gate)", "pruned (masked)", "× removed"
                });
        g.dispose();
        return image;
    }

    /**
     * A progressive run's heads at one moment: which are active, and which were grown at that
     * moment (names as {@code L3H1}).
     */
    record Activity(String title, boolean[][] active, Set<String> grown) {}

    /** Small layer × head grids side by side, wrapping into rows at the chart width. */
    static BufferedImage activity(String title, List<Activity> panels) {
        int layers = panels.get(0).active().length;
        int heads = panels.get(0).active()[0].length;
        int cell = Math.max(8, Math.min(20, 240 / Math.max(layers, heads)));
        Graphics2D probe = graphics(Charts.canvas(1, 1));
        FontMetrics fm = probe.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int widest = panels.stream().mapToInt(p -> fm.stringWidth(p.title())).max().orElse(0);
        probe.dispose();
        int panelW = Math.max(heads * cell, widest) + 40;
        int panelH = layers * cell + 50;
        int perRow = Math.max(1, (Charts.W - MARGIN) / panelW);
        int rows = (panels.size() + perRow - 1) / perRow;
        int height = 50 + rows * panelH + 36;
        BufferedImage image = Charts.canvas(Math.max(Charts.W, MARGIN + perRow * panelW), height);
        Graphics2D g = graphics(image);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, MARGIN, 26);
        for (int p = 0; p < panels.size(); p++) {
            Activity panel = panels.get(p);
            grid(
                    g,
                    panel.title(),
                    MARGIN + (p % perRow) * panelW,
                    50 + (p / perRow) * panelH + 24,
                    cell,
                    layers,
                    heads,
                    (l, h) ->
                            !panel.active()[l][h]
                                    ? new Cell(PRUNED, "")
                                    : panel.grown().contains("L" + l + "H" + h)
                                            ? new Cell(GROWN, "")
                                            : new Cell(ACTIVE, ""));
        }
        legend(
                g,
                height - 28,
                new Color[] {ACTIVE, GROWN, PRUNED},
                new String[] {"active", "grown at this event", "inactive (masked)"});
        g.dispose();
        return image;
    }

    static BufferedImage values(String title, double[][] values, String format) {
        int layers = values.length;
        int heads = values[0].length;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        double lo = min;
        double span = max > min ? max - min : 1;
        Graphics2D probe = graphics(Charts.canvas(1, 1));
        int titleWidth =
                probe.getFontMetrics(new Font(Font.SANS_SERIF, Font.BOLD, 16)).stringWidth(title)
                        + 2 * MARGIN;
        probe.dispose();
        BufferedImage image =
                Charts.canvas(
                        Math.max(heads * CELL + 2 * MARGIN, titleWidth),
                        layers * CELL + 2 * MARGIN + 40);
        Graphics2D g = graphics(image);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, MARGIN, 26);
        grid(
                g,
                String.format("min " + format + ", max " + format, min, max),
                MARGIN,
                layers,
                heads,
                (l, h) -> {
                    double v = values[l][h];
                    return Double.isFinite(v)
                            ? new Cell(scale((v - lo) / span), String.format(format, v))
                            : new Cell(Color.WHITE, "–");
                });
        g.dispose();
        return image;
    }

    private record Cell(Color color, String text) {}

    @FunctionalInterface
    private interface CellFn {
        Cell at(int layer, int head);
    }

    private static void grid(
            Graphics2D g, String caption, int x0, int layers, int heads, CellFn cells) {
        grid(g, caption, x0, MARGIN + 10, CELL, layers, heads, cells);
    }

    /** Cells of {@code cell} pixels from (x0, y0); small cells carry no text, only labels. */
    private static void grid(
            Graphics2D g,
            String caption,
            int x0,
            int y0,
            int cell,
            int layers,
            int heads,
            CellFn cells) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString(caption, x0, y0 - 12);
        FontMetrics fm = g.getFontMetrics();
        for (int l = 0; l < layers; l++) {
            g.setColor(Color.BLACK);
            if (cell >= 14 || l == 0 || l == layers - 1) {
                g.drawString("L" + l, x0 - 26, y0 + l * cell + cell / 2 + 4);
            }
            for (int h = 0; h < heads; h++) {
                Cell c = cells.at(l, h);
                int x = x0 + h * cell;
                int y = y0 + l * cell;
                g.setColor(c.color());
                g.fillRect(x, y, cell - 2, cell - 2);
                g.setColor(new Color(120, 120, 120));
                g.setStroke(new BasicStroke(1f));
                g.drawRect(x, y, cell - 2, cell - 2);
                g.setColor(luminance(c.color()) < 0.5 ? Color.WHITE : Color.BLACK);
                g.drawString(
                        c.text(), x + (cell - 2 - fm.stringWidth(c.text())) / 2, y + cell / 2 + 3);
            }
        }
        g.setColor(Color.BLACK);
        for (int h = 0; h < heads; h++) {
            if (cell >= 28 || h == 0 || h == heads - 1) {
                String label = "H" + h;
                g.drawString(
                        label,
                        x0 + h * cell + (cell - 2 - fm.stringWidth(label)) / 2,
                        y0 + layers * cell + 14);
            }
        }
    }

    private static void legend(Graphics2D g, int y, Color[] colors, String[] labels) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = MARGIN;
        for (int i = 0; i < colors.length; i++) {
            g.setColor(colors[i]);
            g.fillRect(x, y, 14, 14);
            g.setColor(Color.GRAY);
            g.drawRect(x, y, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(labels[i], x + 20, y + 12);
            x += 40 + g.getFontMetrics().stringWidth(labels[i]);
        }
    }

    /** A perceptual-ish blue → green → yellow scale for t in [0, 1]. */
    static Color scale(double t) {
        Color[] stops = {
            new Color(0x30123b), new Color(0x2a788e), new Color(0x7ad151), new Color(0xfde725)
        };
        double s = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) s);
        return blend(stops[i], stops[i + 1], s - i);
    }

    private static Color blend(Color a, Color b, double t) {
        return new Color(
                (int) (a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) (a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) (a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }

    private static double luminance(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK); // a new image's graphics paint white
        return g;
    }
}
