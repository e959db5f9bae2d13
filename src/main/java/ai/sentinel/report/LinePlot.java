package ai.sentinel.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * PNG charts for experiment scripts: line charts of named series, and per-group spreads over seeds.
 */
public final class LinePlot {
    private LinePlot() {}

    /**
     * @param series name → {x values, y values}, in insertion order; series of up to 50 points also
     *     mark each point
     */
    public static void write(
            Path png, String title, String xLabel, String yLabel, Map<String, double[][]> series)
            throws IOException {
        write(png, title, xLabel, yLabel, series, false);
    }

    /** As {@link #write}, for counts (e.g. active heads): whole-number ticks on the y-axis. */
    public static void writeCounts(
            Path png, String title, String xLabel, String yLabel, Map<String, double[][]> series)
            throws IOException {
        write(png, title, xLabel, yLabel, series, true);
    }

    private static void write(
            Path png,
            String title,
            String xLabel,
            String yLabel,
            Map<String, double[][]> series,
            boolean counts)
            throws IOException {
        Charts.write(Charts.lineChart(spec(title, xLabel, yLabel, series, counts)), png);
    }

    /**
     * The chart of {@link #write}. An x-axis whose values are all whole numbers (cycles, steps)
     * gets whole-number ticks: two cycles drawn on ticks 0.0, 0.2, … 1.0 read as fractional cycles.
     */
    static Charts.Spec spec(
            String title,
            String xLabel,
            String yLabel,
            Map<String, double[][]> series,
            boolean counts) {
        List<Charts.Series> lines = new ArrayList<>();
        series.forEach(
                (name, xy) ->
                        lines.add(
                                new Charts.Series(
                                        name,
                                        xy[0],
                                        xy[1],
                                        xy[0].length <= 50
                                                ? Charts.Style.LINE_AND_POINTS
                                                : Charts.Style.LINE)));
        boolean wholeX =
                series.values().stream()
                        .flatMapToDouble(xy -> Arrays.stream(xy[0]))
                        .allMatch(x -> x == Math.rint(x));
        return new Charts.Spec(
                title, xLabel, wholeX, yLabel, counts, "", lines, List.of(), List.of(), List.of());
    }

    /**
     * Mean, each observation (dot) and range (whisker) of every group, e.g. one group per strategy
     * and one observation per seed. {@code fromZero}: bars on an axis from zero; otherwise the axis
     * spans the observations.
     */
    public static void spread(
            Path png, String title, String yLabel, Map<String, double[]> groups, boolean fromZero)
            throws IOException {
        Charts.write(
                SpreadChart.draw(
                        title,
                        yLabel,
                        List.copyOf(groups.keySet()),
                        List.copyOf(groups.values()),
                        fromZero),
                png);
    }
}
