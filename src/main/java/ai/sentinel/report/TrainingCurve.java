package ai.sentinel.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training and validation loss of a {@code sentinel train} run, read from its {@code
 * metrics.jsonl}.
 */
public record TrainingCurve(List<double[]> training, List<double[]> validation) {
    /** Reads the step and eval lines; any other line is an error naming the file and line. */
    public static TrainingCurve read(Path metrics) throws IOException {
        List<double[]> train = new ArrayList<>();
        List<double[]> validation = new ArrayList<>();
        List<String> lines = Files.readAllLines(metrics);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
                boolean eval = o.get("event").getAsString().equals("eval");
                (eval ? validation : train)
                        .add(
                                new double[] {
                                    o.get("step").getAsDouble(),
                                    o.get(eval ? "val_loss" : "loss").getAsDouble()
                                });
            } catch (JsonParseException
                    | IllegalStateException
                    | NullPointerException
                    | UnsupportedOperationException e) {
                throw new IOException(
                        metrics
                                + " line "
                                + (i + 1)
                                + " is not a metrics record of 'sentinel train'"
                                + " (expected {\"event\": \"step\"|\"eval\", \"step\": N, \"loss\"|\"val_loss\": X})");
            }
        }
        return new TrainingCurve(train, validation);
    }

    /** Draws both curves into one PNG. */
    public void plot(Path png) throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("training loss", columns(training));
        series.put("validation loss", columns(validation));
        LinePlot.write(png, "Training curve", "optimizer step", "loss (nats)", series);
    }

    private static double[][] columns(List<double[]> points) {
        double[][] xy = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            xy[0][i] = points.get(i)[0];
            xy[1][i] = points.get(i)[1];
        }
        return xy;
    }
}
