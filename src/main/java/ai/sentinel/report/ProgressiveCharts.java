package ai.sentinel.report;

import ai.sentinel.plasticity.RunEvent;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The charts of a progressive-growth {@code train} run: which heads were active at each growth
 * event (rebuilt from the step-0 pruning and the growth events), and the loss with the active-head
 * count.
 */
final class ProgressiveCharts {
    /** More panels than this are thinned, evenly; each then shows what grew since the previous. */
    private static final int MAX_PANELS = 24;

    private static final Color TRAINING = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xff7f0e);
    private static final Color ACTIVE = new Color(0x2ca02c);

    private ProgressiveCharts() {}

    /** Whether the run grew heads during training. */
    static boolean present(TrainRunData run) {
        return !run.all(RunEvent.HeadGrown.class).isEmpty();
    }

    /** The head map at step 0 and after each growth event, one small grid each. */
    static BufferedImage activity(TrainRunData run, TrainRunData.Shape shape) {
        boolean[][] active = new boolean[shape.layers()][shape.heads()];
        for (boolean[] layer : active) {
            java.util.Arrays.fill(layer, true);
        }
        for (RunEvent.HeadPruned p : run.all(RunEvent.HeadPruned.class)) {
            if (p.step() == 0) {
                active[p.decision().head().layer()][p.decision().head().head()] = false;
            }
        }
        TreeMap<Long, List<RunEvent.HeadGrown>> byStep = new TreeMap<>();
        for (RunEvent.HeadGrown g : run.all(RunEvent.HeadGrown.class)) {
            byStep.computeIfAbsent(g.step(), s -> new ArrayList<>()).add(g);
        }
        List<Long> steps = new ArrayList<>(byStep.keySet());
        int[] drawn = ControllerCharts.evenly(steps.size(), MAX_PANELS);
        List<HeatMaps.Activity> panels = new ArrayList<>();
        panels.add(
                new HeatMaps.Activity(
                        "step 0: " + count(active) + " active", copy(active), Set.of()));
        int next = 0;
        Set<String> grown = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            for (RunEvent.HeadGrown g : byStep.get(steps.get(i))) {
                active[g.decision().head().layer()][g.decision().head().head()] = true;
                grown.add(g.decision().head().toString());
            }
            if (next < drawn.length && drawn[next] == i) {
                panels.add(
                        new HeatMaps.Activity(
                                "step "
                                        + steps.get(i)
                                        + ": +"
                                        + grown.size()
                                        + ", "
                                        + count(active)
                                        + " active",
                                copy(active),
                                Set.copyOf(grown)));
                grown.clear();
                next++;
            }
        }
        String thinnedNote =
                drawn.length < steps.size()
                        ? " ("
                                + drawn.length
                                + " of "
                                + steps.size()
                                + " events; each shows what grew since the previous)"
                        : "";
        return HeatMaps.activity("Active heads at each growth event" + thinnedNote, panels);
    }

    /**
     * The active-head count over training: the training log's own where it has one, else rebuilt
     * from the pruning and growth events (needs the head count); empty when neither is possible.
     */
    static List<double[]> activeHeads(TrainRunData run) {
        List<double[]> logged = new ArrayList<>();
        for (TrainRunData.Step s : run.steps()) {
            if (s.activeHeads() >= 0) {
                logged.add(new double[] {s.step(), s.activeHeads()});
            }
        }
        if (logged.size() >= 2 || run.shape().isEmpty()) {
            return logged.size() >= 2 ? logged : List.of();
        }
        int active =
                run.shape().get().total()
                        - (int)
                                run.all(RunEvent.HeadPruned.class).stream()
                                        .filter(p -> p.step() == 0)
                                        .count();
        List<double[]> out = new ArrayList<>();
        out.add(new double[] {0, active});
        TreeMap<Long, Integer> grown = new TreeMap<>();
        run.all(RunEvent.HeadGrown.class).forEach(g -> grown.merge(g.step(), 1, Integer::sum));
        for (var e : grown.entrySet()) {
            out.add(new double[] {e.getKey(), active});
            active += e.getValue();
            out.add(new double[] {e.getKey(), active});
        }
        long last = run.steps().isEmpty() ? 0 : run.steps().get(run.steps().size() - 1).step();
        if (last > out.get(out.size() - 1)[0]) {
            out.add(new double[] {last, active});
        }
        return out;
    }

    /** Training and validation loss, the active heads on the right axis. */
    static Optional<BufferedImage> lossAndActive(TrainRunData run) {
        List<double[]> active = activeHeads(run);
        if (run.steps().size() < 2 || active.isEmpty()) {
            return Optional.empty();
        }
        List<Charts.Series> series = new ArrayList<>();
        series.add(
                ControllerCharts.line(
                        "training loss",
                        run.steps().stream().map(s -> new double[] {s.step(), s.loss()}).toList(),
                        Charts.Style.LINE,
                        TRAINING,
                        Charts.Side.LEFT));
        if (!run.evals().isEmpty()) {
            series.add(
                    ControllerCharts.line(
                            "validation loss",
                            run.evals().stream()
                                    .map(e -> new double[] {e.step(), e.loss()})
                                    .toList(),
                            Charts.Style.POINTS,
                            VALIDATION,
                            Charts.Side.LEFT));
        }
        series.add(
                ControllerCharts.line(
                        "active heads", active, Charts.Style.LINE, ACTIVE, Charts.Side.RIGHT));
        return Optional.of(
                Charts.lineChart(
                        new Charts.Spec(
                                "Loss and active heads during progressive growth",
                                "optimizer step",
                                true,
                                "loss (nats)",
                                false,
                                "active heads",
                                series,
                                List.of(),
                                List.of(),
                                List.of())));
    }

    private static int count(boolean[][] active) {
        int n = 0;
        for (boolean[] layer : active) {
            for (boolean a : layer) {
                n += a ? 1 : 0;
            }
        }
        return n;
    }

    private static boolean[][] copy(boolean[][] a) {
        boolean[][] out = new boolean[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
