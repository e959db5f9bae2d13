package ai.sentinel.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A PNG line chart of named series, for experiment scripts. */
public final class LinePlot {
    private LinePlot() {}

    /**
     * @param series name → {x values, y values}, in insertion order; series of up to 50 points also mark each point
     */
    public static void write(Path png, String title, String xLabel, String yLabel, Map<String, double[][]> series)
            throws IOException {
        List<Charts.Series> lines = new ArrayList<>();
        series.forEach((name, xy) -> lines.add(new Charts.Series(name, xy[0], xy[1],
                xy[0].length <= 50 ? Charts.Style.LINE_AND_POINTS : Charts.Style.LINE)));
        Charts.write(Charts.lineChart(title, xLabel, yLabel, lines, List.of()), png);
    }
}
