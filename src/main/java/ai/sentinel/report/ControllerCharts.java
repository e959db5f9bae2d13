package ai.sentinel.report;

import ai.sentinel.plasticity.HeadGrid;
import ai.sentinel.plasticity.RunEvent;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The charts of a head controller at work, for {@code train} and {@code cycle} runs alike: loss
 * with the heads pruned and revived per interval, the heads' entropy and gates over the
 * controller's steps, and its decisions per head. Each is empty when it would hold too little to
 * read; {@link #WHY_DYNAMICS} and {@link #WHY_MAPS} say why.
 */
final class ControllerCharts {
    static final String WHY_DYNAMICS = "fewer than two controller intervals";
    static final String WHY_MAPS = "fewer than two controller snapshots of the heads (heads.jsonl)";

    /** Wider maps would shrink a column below what the eye can follow; the rest are thinned. */
    private static final int MAX_COLUMNS = 260;

    private static final Color TRAINING = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xff7f0e);
    private static final Color SPARSITY = new Color(0x7f7f7f);
    private static final Color PRUNED = new Color(0xd62728);
    private static final Color REVIVED = new Color(0x2ca02c);
    private static final Color ACTIVE_LINE = new Color(0x9467bd);

    private static final List<HeadTimeline.Category> DECISIONS =
            List.of(
                    new HeadTimeline.Category(new Color(0x98df8a), "kept (active)"),
                    new HeadTimeline.Category(new Color(0xd62728), "pruned at this step"),
                    new HeadTimeline.Category(new Color(0xf2c4c4), "pruned earlier (masked)"),
                    new HeadTimeline.Category(new Color(0x1f77b4), "revived at this step"),
                    new HeadTimeline.Category(new Color(0x505050), "removed"),
                    new HeadTimeline.Category(Color.WHITE, "state not recorded"));

    private static final int KEPT = 0;
    private static final int PRUNED_NOW = 1;
    private static final int MASKED = 2;
    private static final int REVIVED_NOW = 3;
    private static final int REMOVED = 4;
    private static final int UNKNOWN = 5;

    private ControllerCharts() {}

    /**
     * Two panels on one step axis: above, the training loss ({@code training}: step, loss), the
     * validation loss where measured ({@code validation}, and the intervals' own) and the sparsity
     * on the right axis; below, the heads pruned and revived in each interval as bars, with the
     * active heads (and, for the learned controller, the expected open gates) on the right axis.
     */
    static Optional<BufferedImage> dynamics(
            List<double[]> training, List<double[]> validation, ControllerRun run) {
        List<RunEvent.ControllerInterval> intervals = run.intervals();
        if (intervals.size() < 2) {
            return Optional.empty();
        }
        double[] at = intervals.stream().mapToDouble(RunEvent.ControllerInterval::step).toArray();
        if (training.size() < 2) { // no step log (a cut-down folder): the intervals' own loss
            training = points(intervals, RunEvent.ControllerInterval::trainLoss);
        }
        List<double[]> measured = new ArrayList<>(validation);
        for (double[] p : points(intervals, RunEvent.ControllerInterval::validationLoss)) {
            if (measured.stream().noneMatch(q -> q[0] == p[0])) {
                measured.add(p);
            }
        }
        measured.sort(java.util.Comparator.comparingDouble(p -> p[0]));
        List<Charts.Series> upper = new ArrayList<>();
        upper.add(line("training loss", training, Charts.Style.LINE, TRAINING, Charts.Side.LEFT));
        if (!measured.isEmpty()) {
            upper.add(
                    line(
                            "validation loss",
                            measured,
                            Charts.Style.POINTS,
                            VALIDATION,
                            Charts.Side.LEFT));
        }
        upper.add(
                new Charts.Series(
                        "sparsity (fraction of heads pruned)",
                        at,
                        intervals.stream()
                                .mapToDouble(RunEvent.ControllerInterval::sparsity)
                                .toArray(),
                        Charts.Style.LINE,
                        SPARSITY,
                        Charts.Side.RIGHT,
                        true,
                        false));
        List<Charts.Series> lower = new ArrayList<>();
        lower.add(bars("pruned in the interval", at, intervals, i -> (double) i.pruned(), PRUNED));
        lower.add(
                bars("revived in the interval", at, intervals, i -> (double) i.revived(), REVIVED));
        lower.add(
                new Charts.Series(
                        "active heads",
                        at,
                        intervals.stream()
                                .mapToDouble(RunEvent.ControllerInterval::activeHeads)
                                .toArray(),
                        Charts.Style.LINE,
                        ACTIVE_LINE,
                        Charts.Side.RIGHT,
                        false,
                        false));
        if (run.learned()) {
            lower.add(
                    new Charts.Series(
                            "expected open gates",
                            at,
                            intervals.stream()
                                    .mapToDouble(RunEvent.ControllerInterval::expectedOpen)
                                    .toArray(),
                            Charts.Style.LINE,
                            ACTIVE_LINE,
                            Charts.Side.RIGHT,
                            true,
                            false));
        }
        List<Charts.Series> all = new ArrayList<>(upper);
        all.addAll(lower);
        // half an interval each side, so the first and last bars stand inside the frame
        Ticks fitted = Charts.fit(all, true, null, true, 0);
        double pad = (at[at.length - 1] - at[0]) / (at.length - 1) / 2;
        Ticks steps =
                Ticks.within(
                        Math.max(Math.min(fitted.lo(), at[0] - pad), Math.min(0, fitted.lo())),
                        Math.max(fitted.hi(), at[at.length - 1] + pad),
                        true);
        int most =
                intervals.stream().mapToInt(i -> Math.max(i.pruned(), i.revived())).max().orElse(0);
        BufferedImage loss =
                Charts.lineChart(
                        new Charts.Spec(
                                "Loss and sparsity under the " + run.controller() + " controller",
                                "",
                                true,
                                "loss (nats)",
                                false,
                                "sparsity",
                                upper,
                                List.of(),
                                List.of(),
                                List.of(),
                                null,
                                steps));
        BufferedImage heads =
                Charts.lineChart(
                        new Charts.Spec(
                                "Heads pruned and revived per controller interval",
                                "optimizer step",
                                true,
                                "heads per interval",
                                true,
                                "heads",
                                lower,
                                List.of(),
                                List.of(),
                                List.of(),
                                Ticks.fit(0, Math.max(1, most), 0.06, true, true),
                                steps));
        return Optional.of(Charts.stack(List.of(loss, heads)));
    }

    /** Each head's normalised attention entropy at each controller snapshot. */
    static Optional<BufferedImage> entropy(ControllerRun run) {
        return map(
                run,
                RunEvent.ControllerSnapshot::entropy,
                "Normalised attention entropy per head (1 = uniform)",
                "colour: normalised entropy, from the lowest to the highest seen",
                Double.NaN,
                Double.NaN);
    }

    /** The learned controller's P(open) of each head at each snapshot, on a fixed 0–1 scale. */
    static Optional<BufferedImage> gates(ControllerRun run) {
        return map(
                run,
                RunEvent.ControllerSnapshot::gate,
                "P(gate open) per head, learned controller",
                "colour: the hard-concrete gate's probability of being open, on a 0–1 scale",
                0,
                1);
    }

    /**
     * Per head and snapshot: kept, pruned or revived since the previous snapshot drawn, masked, or
     * removed; states from the snapshots, pruning and revival from the decisions.
     */
    static Optional<BufferedImage> decisions(ControllerRun run) {
        List<RunEvent.ControllerSnapshot> shots = run.snapshots();
        if (shots.size() < 2) {
            return Optional.empty();
        }
        int[] columns = columns(shots.size());
        HeadTimeline.Axes axes = axes(shots, columns, "rows: heads; columns: controller snapshots");
        HeadGrid first = shots.get(0).state();
        int heads = first.numHeads();
        int[][] cells = new int[first.numLayers() * heads][columns.length];
        for (int[] row : cells) {
            java.util.Arrays.fill(row, UNKNOWN);
        }
        long previous = Long.MIN_VALUE;
        for (int c = 0; c < columns.length; c++) {
            RunEvent.ControllerSnapshot shot = shots.get(columns[c]);
            double[][] state = shot.state().values();
            for (int l = 0; l < Math.min(state.length, first.numLayers()); l++) {
                for (int h = 0; h < Math.min(state[l].length, heads); h++) {
                    double s = state[l][h];
                    cells[l * heads + h][c] =
                            s == -1 ? REMOVED : s == 0 ? MASKED : s == 1 ? KEPT : UNKNOWN;
                }
            }
            for (RunEvent.ControllerDecision d : run.decisions()) { // the latest one counts
                if (d.step() > previous && d.step() <= shot.step()) {
                    int row = d.head().layer() * heads + d.head().head();
                    if (d.head().head() < heads && row < cells.length && cells[row][c] != REMOVED) {
                        cells[row][c] =
                                d.action() == RunEvent.ControllerAction.PRUNED
                                        ? PRUNED_NOW
                                        : REVIVED_NOW;
                    }
                }
            }
            previous = shot.step();
        }
        return Optional.of(
                HeadTimeline.categories(
                        "Controller decisions per head (" + run.controller() + ")",
                        axes,
                        cells,
                        DECISIONS));
    }

    private static Optional<BufferedImage> map(
            ControllerRun run,
            Function<RunEvent.ControllerSnapshot, HeadGrid> grid,
            String title,
            String note,
            double lo,
            double hi) {
        List<RunEvent.ControllerSnapshot> shots = run.snapshots();
        if (shots.size() < 2) {
            return Optional.empty();
        }
        int[] columns = columns(shots.size());
        HeadGrid first = grid.apply(shots.get(0));
        int heads = first.numHeads();
        double[][] values = new double[first.numLayers() * heads][columns.length];
        for (double[] row : values) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        for (int c = 0; c < columns.length; c++) {
            double[][] v = grid.apply(shots.get(columns[c])).values();
            // every snapshot has the first one's grid (original heads); a different one is not
            // drawn past it
            for (int l = 0; l < Math.min(v.length, first.numLayers()); l++) {
                for (int h = 0; h < Math.min(v[l].length, heads); h++) {
                    values[l * heads + h][c] = v[l][h];
                }
            }
        }
        return Optional.of(
                HeadTimeline.values(title, axes(shots, columns, note), values, lo, hi, "%.2f"));
    }

    /** Which snapshots are drawn: all, or at most {@link #MAX_COLUMNS} evenly spaced. */
    static int[] columns(int snapshots) {
        return evenly(snapshots, MAX_COLUMNS);
    }

    /**
     * Indices of all {@code of} items, or of {@code atMost} of them evenly spaced, the last
     * included.
     */
    static int[] evenly(int of, int atMost) {
        int n = Math.min(of, atMost);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = n == 1 ? 0 : (int) Math.round(i * (of - 1) / (n - 1.0));
        }
        return out;
    }

    private static HeadTimeline.Axes axes(
            List<RunEvent.ControllerSnapshot> shots, int[] columns, String note) {
        HeadGrid first = shots.get(0).state();
        List<String> rows = new ArrayList<>();
        for (int l = 0; l < first.numLayers(); l++) {
            for (int h = 0; h < first.numHeads(); h++) {
                rows.add("L" + l + "H" + h);
            }
        }
        long[] steps = new long[columns.length];
        for (int c = 0; c < columns.length; c++) {
            steps[c] = shots.get(columns[c]).step();
        }
        String thinned =
                columns.length < shots.size()
                        ? "; "
                                + columns.length
                                + " of "
                                + shots.size()
                                + " snapshots, evenly spaced"
                        : "";
        return new HeadTimeline.Axes(rows, steps, note + thinned);
    }

    private static List<double[]> points(
            List<RunEvent.ControllerInterval> intervals,
            java.util.function.ToDoubleFunction<RunEvent.ControllerInterval> value) {
        List<double[]> out = new ArrayList<>();
        for (RunEvent.ControllerInterval i : intervals) {
            if (Double.isFinite(value.applyAsDouble(i))) {
                out.add(new double[] {i.step(), value.applyAsDouble(i)});
            }
        }
        return out;
    }

    static Charts.Series line(
            String name, List<double[]> points, Charts.Style style, Color color, Charts.Side side) {
        return new Charts.Series(
                name,
                points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray(),
                style,
                color,
                side,
                false,
                false);
    }

    private static Charts.Series bars(
            String name,
            double[] at,
            List<RunEvent.ControllerInterval> intervals,
            java.util.function.ToDoubleFunction<RunEvent.ControllerInterval> count,
            Color color) {
        return new Charts.Series(
                name,
                at,
                intervals.stream().mapToDouble(count).toArray(),
                Charts.Style.BARS,
                color,
                Charts.Side.LEFT,
                false,
                false);
    }
}
