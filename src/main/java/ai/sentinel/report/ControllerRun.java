package ai.sentinel.report;

import ai.sentinel.plasticity.RunEvent;
import java.util.List;

/**
 * What a head controller recorded during training, from any run folder's events: its intervals, its
 * per-head snapshots and its decisions, each in step order.
 */
record ControllerRun(
        List<RunEvent.ControllerInterval> intervals,
        List<RunEvent.ControllerSnapshot> snapshots,
        List<RunEvent.ControllerDecision> decisions) {

    static ControllerRun of(List<RunEvent> events) {
        return new ControllerRun(
                sorted(events, RunEvent.ControllerInterval.class),
                sorted(events, RunEvent.ControllerSnapshot.class),
                sorted(events, RunEvent.ControllerDecision.class));
    }

    private static <T extends RunEvent> List<T> sorted(List<RunEvent> events, Class<T> kind) {
        return events.stream()
                .filter(kind::isInstance)
                .map(kind::cast)
                .sorted(java.util.Comparator.comparingLong(RunEvent::step))
                .toList();
    }

    /** Whether a controller ran at all. */
    boolean present() {
        return !intervals.isEmpty() || !snapshots.isEmpty() || !decisions.isEmpty();
    }

    /** The controller's name as its events give it ("?" if none). */
    String controller() {
        if (!intervals.isEmpty()) {
            return intervals.get(0).controller();
        }
        if (!snapshots.isEmpty()) {
            return snapshots.get(0).controller();
        }
        return decisions.isEmpty() ? "?" : decisions.get(0).controller();
    }

    /**
     * Whether the controller is the learned one (hard-concrete gates): its intervals carry a
     * penalty weight λ or an expected number of open gates, which the rule-based ones leave NaN.
     */
    boolean learned() {
        return intervals.stream()
                .anyMatch(
                        i ->
                                Double.isFinite(i.penaltyWeight())
                                        || Double.isFinite(i.expectedOpen()));
    }
}
