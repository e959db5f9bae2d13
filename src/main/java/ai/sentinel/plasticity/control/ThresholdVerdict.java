package ai.sentinel.plasticity.control;

import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.RunEvent.ControllerAction;
import java.util.List;

/**
 * What the threshold rules decided at one interval: the decisions in the order they are applied
 * (revivals, then prunes), the candidates a limit held back and why, the thresholds as resolved
 * against this measurement, and how many heads each threshold selected.
 */
public record ThresholdVerdict(
        List<Decision> decisions,
        List<HeldBack> heldBack,
        Resolved thresholds,
        Selection selection) {
    public ThresholdVerdict {
        decisions = List.copyOf(decisions);
        heldBack = List.copyOf(heldBack);
    }

    /** A head to prune or revive, the numbers the rule read and the rule in words. */
    public record Decision(
            HeadId head, ControllerAction action, HeadReading reading, String reason) {}

    /** A head that met its rule but that a limit kept as it was. */
    public record HeldBack(HeadId head, ControllerAction action, String reason) {}

    /** The thresholds' values at this measurement (NaN: a quantile of no values). */
    public record Resolved(double highEntropy, double gradient, double revive, double lowEntropy) {}

    /**
     * How many heads each threshold selects on its own and together (active heads for the pruning
     * thresholds, measured pruned heads for the revival ones), and how many the limits let through.
     */
    public record Selection(
            int aboveHighEntropy,
            int belowGradient,
            int pruneCandidates,
            int pruned,
            int aboveRevive,
            int belowLowEntropy,
            int reviveCandidates,
            int revived) {}

    public List<HeadId> heads(ControllerAction action) {
        return decisions.stream().filter(d -> d.action() == action).map(Decision::head).toList();
    }
}
