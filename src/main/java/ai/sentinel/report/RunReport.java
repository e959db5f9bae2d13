package ai.sentinel.report;

import ai.sentinel.io.AtomicFiles;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@code charts/*.png} and a self-contained {@code report.html} (charts embedded, no network) from a run
 * folder's files.
 */
public final class RunReport {
    private static final List<String> STAGES = List.of("baseline", "pruned", "grown", "final");

    private RunReport() {}

    /** Writes the charts and the report; returns the report's path. */
    public static Path write(Path runFolder) throws IOException {
        RunData run = RunData.read(runFolder);
        Path charts = runFolder.resolve("charts");
        Map<String, String> written = new LinkedHashMap<>(); // file -> caption
        chart(charts, written, "loss.png", "Training loss (line) and validation loss at each stage (squares); dashed"
                + " lines mark phases", lossChart(run));
        chart(charts, written, "perplexity.png", "Validation perplexity at each stage of the cycles (the untrained"
                + " model's, before initial training, is in the tables)", perplexityChart(run));
        chart(charts, written, "active_heads.png", "Active heads at each stage", activeHeadsChart(run));
        chart(charts, written, "perplexity_bars.png", "Perplexity: baseline, pruned, grown, final", bars(run));
        chart(charts, written, "cycles.png", "Perplexity per cycle", cyclesChart(run));
        for (int c = 1; c <= run.summary().getAsJsonArray("cycles").size(); c++) {
            chart(charts, written, "heads_cycle" + c + ".png", "Head states in cycle " + c, headStates(run, c));
            JsonObject measured = measurements(run, c);
            chart(charts, written, "entropy_cycle" + c + ".png", "Normalised attention entropy before pruning, cycle "
                    + c, HeatMaps.values("Normalised attention entropy (1 = uniform), cycle " + c,
                            RunData.matrix(measured.getAsJsonArray("normalized_entropy")), "%.2f"));
            chart(charts, written, "gradient_cycle" + c + ".png", "Head gradient norms before pruning, cycle " + c,
                    HeatMaps.values("Gradient norm per head, cycle " + c,
                            RunData.matrix(measured.getAsJsonArray("gradient_norm")), "%.3f"));
        }
        Path report = runFolder.resolve("report.html");
        AtomicFiles.writeString(report, ReportHtml.render(run, written, charts));
        return report;
    }

    private static void chart(Path dir, Map<String, String> written, String name, String caption,
            java.awt.image.BufferedImage image) throws IOException {
        Charts.write(image, dir.resolve(name));
        written.put(name, caption);
    }

    static String embed(Path png) throws IOException {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
    }

    private static java.awt.image.BufferedImage lossChart(RunData run) {
        List<JsonObject> steps = run.metrics("step");
        double[] x = steps.stream().mapToDouble(o -> RunData.number(o, "step")).toArray();
        double[] y = steps.stream().mapToDouble(o -> RunData.number(o, "loss")).toArray();
        List<JsonObject> phases = run.metrics("phase");
        double[] px = phases.stream().mapToDouble(o -> RunData.number(o, "step")).toArray();
        double[] py = phases.stream().mapToDouble(o -> RunData.number(o, "loss")).toArray();
        return Charts.lineChart("Loss", "optimizer step", "loss (nats)", List.of(
                new Charts.Series("training loss", x, y, Charts.Style.LINE),
                new Charts.Series("validation loss", px, py, Charts.Style.POINTS)), markers(run));
    }

    private static java.awt.image.BufferedImage perplexityChart(RunData run) {
        List<JsonObject> phases = run.metrics("phase").stream().filter(o -> o.get("cycle").getAsInt() > 0).toList();
        double[] x = phases.stream().mapToDouble(o -> RunData.number(o, "step")).toArray();
        double[] y = phases.stream().mapToDouble(o -> RunData.number(o, "perplexity")).toArray();
        return Charts.lineChart("Validation perplexity", "optimizer step", "perplexity", List.of(
                new Charts.Series("validation perplexity", x, y, Charts.Style.POINTS)), markers(run));
    }

    private static java.awt.image.BufferedImage activeHeadsChart(RunData run) {
        List<JsonObject> phases = run.metrics("phase");
        double[] x = new double[phases.size()];
        double[] y = new double[phases.size()];
        List<Charts.Marker> labels = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            x[i] = i;
            y[i] = RunData.number(phases.get(i), "active_heads");
            labels.add(new Charts.Marker(i, stageLabel(phases.get(i))));
        }
        return Charts.lineChart("Active heads at each stage", "", "active heads", List.of(new Charts.Series("active heads",
                x, y, Charts.Style.LINE_AND_POINTS)), labels);
    }

    private static java.awt.image.BufferedImage bars(RunData run) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        var cycles = run.summary().getAsJsonArray("cycles");
        for (var c : cycles) {
            JsonObject cycle = c.getAsJsonObject();
            for (String s : STAGES) {
                labels.add((cycles.size() > 1 ? "c" + cycle.get("cycle").getAsInt() + " " : "") + s);
                values.add(RunData.number(cycle.getAsJsonObject(s), "perplexity"));
            }
        }
        return Charts.barChart("Perplexity by stage", "perplexity", labels,
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static java.awt.image.BufferedImage cyclesChart(RunData run) {
        var cycles = run.summary().getAsJsonArray("cycles");
        List<Charts.Series> series = new ArrayList<>();
        for (String s : STAGES) {
            double[] x = new double[cycles.size()];
            double[] y = new double[cycles.size()];
            for (int i = 0; i < cycles.size(); i++) {
                x[i] = i + 1;
                y[i] = RunData.number(cycles.get(i).getAsJsonObject().getAsJsonObject(s), "perplexity");
            }
            series.add(new Charts.Series(s, x, y, Charts.Style.LINE_AND_POINTS));
        }
        return Charts.lineChart("Perplexity per cycle", "cycle", "perplexity", series, List.of());
    }

    private static java.awt.image.BufferedImage headStates(RunData run, int cycle) {
        Set<String> grown = new HashSet<>();
        run.events("grown").stream().filter(e -> e.get("cycle").getAsInt() == cycle)
                .forEach(e -> grown.add(e.get("head").getAsString()));
        List<HeatMaps.Panel> panels = new ArrayList<>();
        for (String stage : STAGES) {
            JsonObject h = run.heads().stream().filter(o -> o.get("event").getAsString().equals("heads")
                    && o.get("cycle").getAsInt() == cycle && o.get("phase").getAsString().equals(stage))
                    .findFirst().orElseThrow(() -> new IllegalStateException("heads.jsonl lacks " + stage));
            double[][] mask = RunData.matrix(h.getAsJsonArray("mask"));
            double[][] present = RunData.matrix(h.getAsJsonArray("present"));
            int[][] m = new int[mask.length][mask[0].length];
            boolean[][] p = new boolean[mask.length][mask[0].length];
            for (int l = 0; l < mask.length; l++) {
                for (int k = 0; k < mask[l].length; k++) {
                    m[l][k] = (int) mask[l][k];
                    p[l][k] = present[l][k] == 1;
                }
            }
            panels.add(new HeatMaps.Panel(stage, m, RunData.matrix(h.getAsJsonArray("gates")), p,
                    stage.equals("grown") || stage.equals("final") ? grown : Set.of()));
        }
        return HeatMaps.headStates("Head states, cycle " + cycle, panels);
    }

    private static JsonObject measurements(RunData run, int cycle) {
        return run.heads().stream().filter(o -> o.get("event").getAsString().equals("measurements")
                && o.get("cycle").getAsInt() == cycle).findFirst()
                .orElseThrow(() -> new IllegalStateException("heads.jsonl lacks the measurements of cycle " + cycle));
    }

    /** One marker per distinct step where stages were evaluated, labelled with those stages. */
    private static List<Charts.Marker> markers(RunData run) {
        Map<Double, List<String>> byStep = new LinkedHashMap<>();
        for (JsonObject p : run.metrics("phase")) {
            byStep.computeIfAbsent(RunData.number(p, "step"), k -> new ArrayList<>()).add(stageLabel(p));
        }
        List<Charts.Marker> markers = new ArrayList<>();
        byStep.forEach((step, labels) -> markers.add(new Charts.Marker(step, String.join(" / ", labels))));
        return markers;
    }

    static String stageLabel(JsonObject phase) {
        int c = phase.get("cycle").getAsInt();
        return (c == 0 ? "" : "c" + c + " ") + phase.get("phase").getAsString();
    }
}
