package ai.sentinel.plasticity.control;

import ai.sentinel.model.HeadId;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The threshold controller's first measurement, for the user to set thresholds by: the distribution
 * of each metric (active heads, and pruned heads measured with their mask lifted) and how many
 * heads each threshold selects there.
 *
 * @param step the run-wide step of the measurement
 * @param activeHeads active heads when it was taken, of {@code totalHeads} head slots
 */
public record MeasurementSummary(
        long step,
        ThresholdConfig config,
        Distribution entropy,
        Distribution gradientNorm,
        Distribution sensitivity,
        Distribution prunedEntropy,
        Distribution prunedSensitivity,
        ThresholdVerdict.Resolved thresholds,
        ThresholdVerdict.Selection selection,
        int activeHeads,
        int totalHeads) {

    static MeasurementSummary of(
            long step, ThresholdInputs in, ThresholdConfig config, ThresholdVerdict verdict) {
        List<HeadId> active = in.heads(HeadStatus.State.ACTIVE);
        List<HeadId> pruned =
                in.heads(HeadStatus.State.PRUNED).stream()
                        .filter(h -> in.readings().containsKey(h))
                        .toList();
        return new MeasurementSummary(
                step,
                config,
                distribution(in, active, HeadReading::entropy),
                distribution(in, active, HeadReading::gradientNorm),
                distribution(in, active, HeadReading::sensitivity),
                distribution(in, pruned, HeadReading::entropy),
                distribution(in, pruned, HeadReading::sensitivity),
                verdict.thresholds(),
                verdict.selection(),
                active.size(),
                in.totalHeads());
    }

    private static Distribution distribution(
            ThresholdInputs in, List<HeadId> heads, ToDoubleFunction<HeadReading> metric) {
        return Distribution.of(
                heads.stream()
                        .mapToDouble(h -> metric.applyAsDouble(in.readings().get(h)))
                        .filter(Double::isFinite)
                        .toArray());
    }

    /** The summary as lines for a terminal or a log. */
    public List<String> lines() {
        ThresholdVerdict.Selection s = selection;
        return List.of(
                "threshold controller, first measurement at step " + step + ":",
                "  active heads  normalised entropy: " + entropy,
                "                gradient norm:      " + gradientNorm,
                "                sensitivity |dL/dg|: " + sensitivity,
                "  pruned heads  normalised entropy: " + prunedEntropy,
                "  (mask lifted) sensitivity |dL/dg|: " + prunedSensitivity,
                "  --high-entropy-threshold "
                        + config.highEntropy()
                        + " = "
                        + Distribution.format(thresholds.highEntropy())
                        + " selects "
                        + s.aboveHighEntropy()
                        + " active heads; --grad-threshold "
                        + config.gradient()
                        + " = "
                        + Distribution.format(thresholds.gradient())
                        + " selects "
                        + s.belowGradient()
                        + "; both: "
                        + s.pruneCandidates()
                        + ", pruned now (within the limits): "
                        + s.pruned(),
                "  --revive-threshold "
                        + config.revive()
                        + " = "
                        + Distribution.format(thresholds.revive())
                        + " selects "
                        + s.aboveRevive()
                        + " pruned heads; --low-entropy-threshold "
                        + config.lowEntropy()
                        + " = "
                        + Distribution.format(thresholds.lowEntropy())
                        + " selects "
                        + s.belowLowEntropy()
                        + "; both: "
                        + s.reviveCandidates()
                        + ", revived now: "
                        + s.revived(),
                "  limits: --prune-rate-limit "
                        + config.pruneRateLimit()
                        + " lets "
                        + ThresholdRules.rateCap(config, activeHeads)
                        + " of the "
                        + activeHeads
                        + " active heads be pruned an interval; --max-pruned-fraction "
                        + config.maxPrunedFraction()
                        + " lets "
                        + ThresholdRules.fractionCap(config, totalHeads)
                        + " of all "
                        + totalHeads
                        + " heads be pruned");
    }
}
