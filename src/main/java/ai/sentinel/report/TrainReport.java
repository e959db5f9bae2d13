package ai.sentinel.report;

import ai.sentinel.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The report of a {@code sentinel train} run folder: {@code charts/*.png} and a self-contained
 * {@code report.html}. Controller runs get the controller's charts, progressive runs the growth
 * charts, any other run its training curve. {@link RunReport#write} is the entry point.
 */
final class TrainReport {
    static final String WHY_LOSS = "fewer than two logged training steps";
    static final String WHY_NO_SHAPE =
            "the model's layers and heads are unknown (no controller snapshots, no num_layers and"
                    + " num_heads in run-config.json, no model/ or checkpoint/ with a config.json)";
    static final String WHY_GROWTH_LOSS =
            "fewer than two logged training steps, or no active-head counts (metrics.jsonl has none"
                    + " and the model's head count is unknown)";

    private TrainReport() {}

    static Path write(Path folder) throws IOException {
        TrainRunData run = TrainRunData.read(folder);
        Path dir = folder.resolve("charts");
        RunReport.ChartSet charts =
                new RunReport.ChartSet(new LinkedHashMap<>(), new LinkedHashMap<>());
        ControllerRun controller = ControllerRun.of(run.events());
        List<double[]> training =
                run.steps().stream().map(s -> new double[] {s.step(), s.loss()}).toList();
        List<double[]> validation =
                run.evals().stream().map(e -> new double[] {e.step(), e.loss()}).toList();
        boolean growth = ProgressiveCharts.present(run);
        if (!controller.present() && !growth) {
            RunReport.chart(
                    dir,
                    charts,
                    "loss.png",
                    "Loss",
                    "Training loss and validation loss at each evaluation",
                    loss(training, validation),
                    WHY_LOSS);
        }
        RunReport.controllerCharts(dir, charts, controller, training, validation);
        if (growth) {
            RunReport.chart(
                    dir,
                    charts,
                    "growth_heads.png",
                    "Active heads at each growth event",
                    "Which heads were active at step 0 (after the start pruning) and after each"
                            + " growth event; blue: grown at that event.",
                    run.shape().map(shape -> ProgressiveCharts.activity(run, shape)),
                    WHY_NO_SHAPE);
            RunReport.chart(
                    dir,
                    charts,
                    "growth_loss.png",
                    "Loss and active heads",
                    "Training loss, validation loss at each evaluation, and the active heads (right"
                            + " axis) during progressive growth",
                    ProgressiveCharts.lossAndActive(run),
                    WHY_GROWTH_LOSS);
        }
        Path report = folder.resolve("report.html");
        AtomicFiles.writeString(report, TrainReportHtml.render(run, controller, charts, dir));
        return report;
    }

    /** A run without controller or growth: its training curve and validation points. */
    private static Optional<BufferedImage> loss(
            List<double[]> training, List<double[]> validation) {
        if (training.size() < 2) {
            return Optional.empty();
        }
        List<Charts.Series> series = new ArrayList<>();
        series.add(
                ControllerCharts.line(
                        "training loss", training, Charts.Style.LINE, null, Charts.Side.LEFT));
        if (!validation.isEmpty()) {
            series.add(
                    ControllerCharts.line(
                            "validation loss",
                            validation,
                            Charts.Style.POINTS,
                            null,
                            Charts.Side.LEFT));
        }
        return Optional.of(
                Charts.lineChart("Loss", "optimizer step", "loss (nats)", series, List.of()));
    }
}
