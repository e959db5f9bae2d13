package ai.sentinel.report;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.plasticity.Stage;
import ai.sentinel.plasticity.StageResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds {@code charts/*.png} and a self-contained {@code report.html} (charts embedded, no
 * network) from a run folder's files. A chart that would hold a single point is not drawn; the
 * report says so instead.
 */
public final class RunReport {
    private RunReport() {}

    /** Charts written (file → caption) and charts left out (title → why). */
    record ChartSet(Map<String, String> written, Map<String, String> skipped) {}

    /**
     * Writes the charts and the report of a {@code sentinel cycle} run folder (it holds {@code
     * config.json}) or a {@code sentinel train} run folder (it holds {@code run-config.json});
     * returns the report's path.
     *
     * @throws IOException naming the folder when it is neither, or naming the file that is missing
     *     or malformed
     */
    public static Path write(Path runFolder) throws IOException {
        if (Files.isRegularFile(runFolder.resolve(RunLog.CONFIG))) {
            return writeCycle(runFolder);
        }
        if (TrainRunData.isTrainRun(runFolder)) {
            return TrainReport.write(runFolder);
        }
        throw new IOException(
                runFolder
                        + (Files.isDirectory(runFolder)
                                ? " is not a Sentinel run folder: it holds neither config.json"
                                        + " (written by 'sentinel cycle') nor run-config.json (written by"
                                        + " 'sentinel train')"
                                : " does not exist or is not a folder"));
    }

    private static Path writeCycle(Path runFolder) throws IOException {
        RunData run = RunData.read(runFolder);
        List<CycleResult> cycles = run.cycles();
        Path dir = runFolder.resolve("charts");
        ChartSet charts = new ChartSet(new LinkedHashMap<>(), new LinkedHashMap<>());
        chart(
                dir,
                charts,
                "loss.png",
                "Loss",
                "Training loss (line), validation loss at each stage (marks) and the"
                        + " learning rate (dashed, right axis); dashed verticals mark each cycle's pruning and growth. Each"
                        + " learning phase has its own warm-up; the phases share one AdamW whose moments follow pruning and growth.",
                RunCharts.loss(run, cycles),
                "fewer than two logged training steps");
        chart(
                dir,
                charts,
                "perplexity.png",
                "Validation perplexity",
                "Validation perplexity at each stage of the"
                        + " cycles, on an axis fitted to the values (the untrained model's, before initial training, is in"
                        + " the tables)",
                RunCharts.perplexity(cycles),
                "fewer than two stages");
        chart(
                dir,
                charts,
                "active_heads.png",
                "Active heads",
                "Active (unmasked) heads at each stage",
                RunCharts.activeHeads(run),
                "fewer than two stages");
        chart(
                dir,
                charts,
                "cycles.png",
                "Perplexity per cycle",
                "Validation perplexity per cycle, one line per" + " stage",
                RunCharts.perCycle(cycles),
                "the run has one cycle (its stages are in the perplexity" + " chart)");
        for (CycleResult cycle : cycles) {
            int c = cycle.cycle();
            charts.written()
                    .put(
                            write(dir, "heads_cycle" + c + ".png", headStates(run, cycle)),
                            "Head states in cycle " + c);
            RunEvent.Measurements measured = measurements(run, c);
            charts.written()
                    .put(
                            write(
                                    dir,
                                    "entropy_cycle" + c + ".png",
                                    HeatMaps.values(
                                            "Normalised attention entropy (1 = uniform), cycle "
                                                    + c,
                                            measured.normalizedEntropy().values(),
                                            "%.2f")),
                            "Normalised attention entropy before pruning, cycle " + c);
            charts.written()
                    .put(
                            write(
                                    dir,
                                    "gradient_cycle" + c + ".png",
                                    HeatMaps.values(
                                            "Gradient norm per head, cycle " + c,
                                            measured.gradientNorm().values(),
                                            "%.3f")),
                            "Head gradient norms before pruning, cycle " + c);
        }
        controllerCharts(
                dir,
                charts,
                ControllerRun.of(run.events()),
                run.all(RunEvent.StepMetrics.class).stream()
                        .map(s -> new double[] {s.step(), s.loss()})
                        .toList(),
                List.of()); // the stages' validation is in the loss chart; the intervals' own here
        Path report = runFolder.resolve("report.html");
        AtomicFiles.writeString(report, ReportHtml.render(run, cycles, charts, dir));
        return report;
    }

    /**
     * The controller's charts, when a controller ran: loss with its interventions, the heads'
     * entropy (and for the learned controller the gates) over its steps, and its decisions. {@code
     * training} and {@code validation}: (step, loss) points of the run's own logs.
     */
    static void controllerCharts(
            Path dir,
            ChartSet charts,
            ControllerRun controller,
            List<double[]> training,
            List<double[]> validation)
            throws IOException {
        if (!controller.present()) {
            return;
        }
        String name = controller.controller();
        chart(
                dir,
                charts,
                "controller_dynamics.png",
                "Controller dynamics",
                "Above: training loss, validation loss where measured, and the sparsity (dashed, right"
                        + " axis) after each interval of the "
                        + name
                        + " controller. Below, on the same steps: heads pruned and revived in each"
                        + " interval (bars) and the active heads (right axis)"
                        + (controller.learned()
                                ? ", with the expected number of open gates (dashed)"
                                : "")
                        + ".",
                ControllerCharts.dynamics(training, validation, controller),
                ControllerCharts.WHY_DYNAMICS);
        chart(
                dir,
                charts,
                "controller_entropy.png",
                "Head entropy over controller steps",
                "Each head's normalised attention entropy (rows) at each controller snapshot (columns).",
                ControllerCharts.entropy(controller),
                ControllerCharts.WHY_MAPS);
        if (controller.learned()) {
            chart(
                    dir,
                    charts,
                    "controller_gates.png",
                    "Gate probabilities over controller steps",
                    "Each head's probability that its hard-concrete gate is open, at each controller"
                            + " snapshot.",
                    ControllerCharts.gates(controller),
                    ControllerCharts.WHY_MAPS);
        }
        chart(
                dir,
                charts,
                "controller_decisions.png",
                "Controller decisions",
                "Per head and snapshot: kept, pruned or revived since the previous snapshot, masked,"
                        + " or removed.",
                ControllerCharts.decisions(controller),
                ControllerCharts.WHY_MAPS);
    }

    static void chart(
            Path dir,
            ChartSet charts,
            String file,
            String title,
            String caption,
            Optional<BufferedImage> image,
            String whySkipped)
            throws IOException {
        if (image.isPresent()) {
            charts.written().put(write(dir, file, image.get()), caption);
        } else {
            charts.skipped().put(title, whySkipped);
        }
    }

    private static String write(Path dir, String file, BufferedImage image) throws IOException {
        Charts.write(image, dir.resolve(file));
        return file;
    }

    static String embed(Path png) throws IOException {
        return "data:image/png;base64,"
                + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
    }

    private static BufferedImage headStates(RunData run, CycleResult cycle) {
        int c = cycle.cycle();
        Set<String> grown =
                cycle.grownHeads().stream().map(HeadId::toString).collect(Collectors.toSet());
        List<HeatMaps.Panel> panels = new ArrayList<>();
        for (Stage stage : Stage.CYCLE) {
            RunEvent.HeadMap h =
                    run.all(RunEvent.HeadMap.class).stream()
                            .filter(m -> m.cycle() == c && m.stage() == stage)
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "heads.jsonl lacks the "
                                                            + stage.key()
                                                            + " head map of cycle "
                                                            + c));
            double[][] mask = h.mask().values();
            double[][] present = h.present().values();
            int[][] m = new int[mask.length][mask[0].length];
            boolean[][] p = new boolean[mask.length][mask[0].length];
            for (int l = 0; l < mask.length; l++) {
                for (int k = 0; k < mask[l].length; k++) {
                    m[l][k] = (int) mask[l][k];
                    p[l][k] = present[l][k] == 1;
                }
            }
            panels.add(
                    new HeatMaps.Panel(
                            stage.key(),
                            m,
                            h.gates().values(),
                            p,
                            stage == Stage.GROWN || stage == Stage.FINAL ? grown : Set.of()));
        }
        return HeatMaps.headStates("Head states, cycle " + c, panels);
    }

    private static RunEvent.Measurements measurements(RunData run, int cycle) {
        return run.all(RunEvent.Measurements.class).stream()
                .filter(m -> m.cycle() == cycle)
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "heads.jsonl lacks the measurements of cycle " + cycle));
    }

    static String stageLabel(StageResult s) {
        return (s.cycle() == 0 ? "" : "c" + s.cycle() + " ") + s.stage().key();
    }
}
