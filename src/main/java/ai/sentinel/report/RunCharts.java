package ai.sentinel.report;

import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.Stage;
import ai.sentinel.plasticity.StageResult;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The charts of a run's numbers, each empty when it would hold a single point. */
final class RunCharts {
    /** Categories narrower than this (pixels) are labelled with the stage's initial. */
    private static final int FULL_LABEL_SLOT = 75;

    private static final int MAX_VALUE_LABELS = 12;
    private static final Color TRAINING = new Color(0x1f77b4);
    private static final Color LEARNING_RATE = new Color(0x8c564b);

    private RunCharts() {}

    static Color stageColor(Stage stage) {
        return switch (stage) {
            case INITIAL -> new Color(0x7f7f7f);
            case BASELINE -> new Color(0x9467bd);
            case PRUNED -> new Color(0xd62728);
            case GROWN -> new Color(0x2ca02c);
            case FINAL -> new Color(0xff7f0e);
        };
    }

    static Optional<BufferedImage> loss(RunData run, List<CycleResult> cycles) {
        List<RunEvent.StepMetrics> steps = run.all(RunEvent.StepMetrics.class);
        if (steps.size() < 2) {
            return Optional.empty();
        }
        List<Charts.Series> series = lossSeries(steps, run.all(StageResult.class));
        List<Charts.Marker> markers =
                new ArrayList<>(
                        cycles.stream()
                                .map(
                                        c ->
                                                new Charts.Marker(
                                                        c.pruned().step(),
                                                        (cycles.size() > 1
                                                                        ? "cycle " + c.cycle()
                                                                                + ": "
                                                                        : "")
                                                                + "prune, grow"))
                                .toList());
        // Initial training starts far above where the cycles move (5.6 vs 2.5 nats on nano): fit
        // the axis to the cycles and say that the start is above it, or the cycles' changes
        // flatten into one line.
        long firstCycle = cycles.isEmpty() ? 0 : cycles.get(0).baseline().step();
        double[] range = lossRange(series, firstCycle);
        Ticks axis = Ticks.fit(range[0], range[1], 0.06, false, true);
        double highest = lossRange(series, Long.MIN_VALUE)[1];
        if (highest > axis.hi()) {
            series.removeIf(
                    s ->
                            s.x().length > 0
                                    && s.x()[0] < firstCycle
                                    && s.style() == Charts.Style.POINTS
                                    && s.y()[0] > axis.hi()); // the untrained model's validation
            // loss: a legend entry for nothing
            markers.add(
                    new Charts.Marker(
                            0,
                            String.format(
                                    "initial training (loss from %.2f, above the axis)", highest)));
        }
        return Optional.of(
                Charts.lineChart(
                        new Charts.Spec(
                                "Loss",
                                "optimizer step",
                                true,
                                "loss (nats)",
                                false,
                                "learning rate",
                                series,
                                markers,
                                List.of(),
                                List.of(),
                                axis)));
    }

    /** Training loss, validation loss per stage kind, and the learning rate on the right axis. */
    private static List<Charts.Series> lossSeries(
            List<RunEvent.StepMetrics> steps, List<StageResult> stages) {
        double[] x = steps.stream().mapToDouble(RunEvent.StepMetrics::step).toArray();
        List<Charts.Series> series = new ArrayList<>();
        series.add(
                new Charts.Series(
                        "training loss",
                        x,
                        steps.stream().mapToDouble(RunEvent.StepMetrics::loss).toArray(),
                        Charts.Style.LINE,
                        TRAINING,
                        Charts.Side.LEFT,
                        false,
                        false));
        for (Stage stage : Stage.values()) {
            List<StageResult> at = stages.stream().filter(s -> s.stage() == stage).toList();
            if (!at.isEmpty()) {
                series.add(
                        new Charts.Series(
                                "validation, " + stage.key(),
                                at.stream().mapToDouble(StageResult::step).toArray(),
                                at.stream().mapToDouble(StageResult::loss).toArray(),
                                Charts.Style.POINTS,
                                stageColor(stage),
                                Charts.Side.LEFT,
                                false,
                                false));
            }
        }
        series.add(
                new Charts.Series(
                        "learning rate",
                        x,
                        steps.stream().mapToDouble(RunEvent.StepMetrics::learningRate).toArray(),
                        Charts.Style.LINE,
                        LEARNING_RATE,
                        Charts.Side.RIGHT,
                        true,
                        false));
        return series;
    }

    /** Lowest and highest loss (left-axis series) at or after {@code fromStep}. */
    private static double[] lossRange(List<Charts.Series> series, long fromStep) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Charts.Series s : series) {
            for (int i = 0; i < s.x().length && s.side() == Charts.Side.LEFT; i++) {
                if (s.x()[i] >= fromStep && Double.isFinite(s.y()[i])) {
                    lo = Math.min(lo, s.y()[i]);
                    hi = Math.max(hi, s.y()[i]);
                }
            }
        }
        return new double[] {lo, hi};
    }

    static Optional<BufferedImage> perplexity(List<CycleResult> cycles) {
        List<StageResult> stages = cycles.stream().flatMap(c -> c.stages().stream()).toList();
        if (stages.size() < 2) {
            return Optional.empty();
        }
        double[] y = stages.stream().mapToDouble(StageResult::perplexity).toArray();
        return Optional.of(
                byStage(
                        "Validation perplexity at each stage",
                        "perplexity",
                        false,
                        stages,
                        y,
                        new Color(0x1f77b4)));
    }

    static Optional<BufferedImage> activeHeads(RunData run) {
        List<StageResult> stages = run.all(StageResult.class);
        if (stages.size() < 2) {
            return Optional.empty();
        }
        double[] y = stages.stream().mapToDouble(StageResult::activeHeads).toArray();
        return Optional.of(
                byStage(
                        "Active heads at each stage",
                        "active heads",
                        true,
                        stages,
                        y,
                        new Color(0x2ca02c)));
    }

    static Optional<BufferedImage> perCycle(List<CycleResult> cycles) {
        if (cycles.size() < 2) {
            return Optional.empty();
        }
        double[] x = cycles.stream().mapToDouble(CycleResult::cycle).toArray();
        List<Charts.Series> series = new ArrayList<>();
        for (int i = 0; i < Stage.CYCLE.size(); i++) {
            int index = i;
            series.add(
                    new Charts.Series(
                            Stage.CYCLE.get(i).key(),
                            x,
                            cycles.stream()
                                    .mapToDouble(c -> c.stages().get(index).perplexity())
                                    .toArray(),
                            Charts.Style.LINE_AND_POINTS,
                            stageColor(Stage.CYCLE.get(i)),
                            Charts.Side.LEFT,
                            false,
                            false));
        }
        return Optional.of(
                Charts.lineChart(
                        new Charts.Spec(
                                "Perplexity per cycle",
                                "cycle",
                                true,
                                "perplexity",
                                false,
                                "",
                                series,
                                List.of(),
                                List.of(),
                                List.of())));
    }

    /**
     * One value per stage on a categorical axis; cycles labelled underneath when there are several.
     */
    private static BufferedImage byStage(
            String title,
            String yLabel,
            boolean integers,
            List<StageResult> stages,
            double[] y,
            Color color) {
        double[] x = new double[stages.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        boolean several =
                stages.stream().mapToInt(StageResult::cycle).filter(c -> c > 0).distinct().count()
                        > 1;
        boolean wide = (Charts.W - 110.0) / stages.size() >= FULL_LABEL_SLOT;
        List<String> categories =
                stages.stream()
                        .map(
                                s ->
                                        wide
                                                ? s.stage().key()
                                                : s.stage()
                                                        .key()
                                                        .substring(0, 1)
                                                        .toUpperCase(Locale.ROOT))
                        .toList();
        List<Charts.Group> groups = new ArrayList<>();
        if (several || stages.get(0).cycle() == 0) {
            for (int i = 0; i < stages.size(); ) {
                int c = stages.get(i).cycle();
                int from = i;
                while (i < stages.size() && stages.get(i).cycle() == c) {
                    i++;
                }
                groups.add(new Charts.Group(from, i - 1, c == 0 ? "before" : "cycle " + c));
            }
        }
        String xLabel =
                wide
                        ? ""
                        : "stage ("
                                + stages.stream()
                                        .map(StageResult::stage)
                                        .distinct()
                                        .sorted()
                                        .map(
                                                st ->
                                                        st.key()
                                                                        .substring(0, 1)
                                                                        .toUpperCase(Locale.ROOT)
                                                                + " "
                                                                + st.key())
                                        .reduce((p, q) -> p + ", " + q)
                                        .orElse("")
                                + ")";
        return Charts.lineChart(
                new Charts.Spec(
                        title,
                        xLabel,
                        false,
                        yLabel,
                        integers,
                        "",
                        List.of(
                                new Charts.Series(
                                        yLabel,
                                        x,
                                        y,
                                        Charts.Style.LINE_AND_POINTS,
                                        color,
                                        Charts.Side.LEFT,
                                        false,
                                        stages.size() <= MAX_VALUE_LABELS)),
                        List.of(),
                        categories,
                        groups));
    }
}
