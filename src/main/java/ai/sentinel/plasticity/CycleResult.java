package ai.sentinel.plasticity;

import ai.sentinel.model.HeadId;
import java.util.List;

/** One cycle's stages and decisions. */
public record CycleResult(
        int cycle,
        StageResult baseline,
        StageResult pruned,
        StageResult grown,
        StageResult last,
        List<HeadId> prunedHeads,
        List<HeadId> grownHeads) {
    public CycleResult {
        prunedHeads = List.copyOf(prunedHeads);
        grownHeads = List.copyOf(grownHeads);
    }

    /** See {@link Recovery}: a ratio only when pruning did damage beyond the evaluation's noise. */
    public Recovery recovery() {
        return Recovery.of(baseline, pruned, last);
    }

    public List<StageResult> stages() {
        return List.of(baseline, pruned, grown, last);
    }

    /** The cycles recorded in a run's events (as {@link RunLog#read} returns them), in order. */
    public static List<CycleResult> fromEvents(List<RunEvent> events) {
        int cycles =
                events.stream()
                        .filter(e -> e instanceof StageResult s && s.stage() == Stage.FINAL)
                        .mapToInt(RunEvent::cycle)
                        .max()
                        .orElse(0);
        return java.util.stream.IntStream.rangeClosed(1, cycles)
                .mapToObj(
                        c ->
                                new CycleResult(
                                        c,
                                        stage(events, c, Stage.BASELINE),
                                        stage(events, c, Stage.PRUNED),
                                        stage(events, c, Stage.GROWN),
                                        stage(events, c, Stage.FINAL),
                                        events.stream()
                                                .filter(
                                                        e ->
                                                                e instanceof RunEvent.HeadPruned
                                                                        && e.cycle() == c)
                                                .map(
                                                        e ->
                                                                ((RunEvent.HeadPruned) e)
                                                                        .decision()
                                                                        .head())
                                                .toList(),
                                        events.stream()
                                                .filter(
                                                        e ->
                                                                e instanceof RunEvent.HeadGrown
                                                                        && e.cycle() == c)
                                                .map(
                                                        e ->
                                                                ((RunEvent.HeadGrown) e)
                                                                        .decision()
                                                                        .head())
                                                .toList()))
                .toList();
    }

    private static StageResult stage(List<RunEvent> events, int cycle, Stage stage) {
        return events.stream()
                .filter(e -> e instanceof StageResult s && s.cycle() == cycle && s.stage() == stage)
                .map(StageResult.class::cast)
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "the run records no "
                                                + stage.key()
                                                + " stage in cycle "
                                                + cycle));
    }
}
