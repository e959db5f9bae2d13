package ai.sentinel.plasticity.control;

import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunEvent.ControllerAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The threshold controller's decisions, a pure function of one interval's readings.
 *
 * <pre>
 *   prune  active h   when  entropy(h) > high-entropy  and  gradientNorm(h) < grad
 *   revive pruned h   when  sensitivity(h) > revive    and  entropy(h) < low-entropy
 *                     and   h has stayed pruned ≥ min-zero-intervals        (adaptive mode only)
 * </pre>
 *
 * Quantile thresholds are quantiles over the active heads' values of the same metric (the revive
 * threshold: over the active heads' sensitivity), so a pruned head must look like the useful part
 * of the model to come back. Revivals are decided first and free room under the limits; then the
 * pruning candidates, ranked by highest entropy first, then lowest gradient norm, then head id, are
 * taken while the limits allow: at most ⌊rate-limit × active⌋ this interval, never more than
 * ⌊max-fraction × all heads⌋ pruned in all, never a layer's last active head.
 */
public final class ThresholdRules {
    /** Guards the floors of limits against 0.3 × 10 = 2.9999…. */
    private static final double EPSILON = 1e-9;

    private ThresholdRules() {}

    public static ThresholdVerdict decide(ThresholdInputs in, ThresholdConfig config) {
        List<HeadId> active = in.heads(HeadStatus.State.ACTIVE);
        List<HeadId> pruned =
                in.heads(HeadStatus.State.PRUNED).stream()
                        .filter(h -> in.readings().containsKey(h))
                        .toList();
        ThresholdVerdict.Resolved t =
                new ThresholdVerdict.Resolved(
                        config.highEntropy().resolve(values(in, active, HeadReading::entropy)),
                        config.gradient().resolve(values(in, active, HeadReading::gradientNorm)),
                        config.revive().resolve(values(in, active, HeadReading::sensitivity)),
                        config.lowEntropy().resolve(values(in, active, HeadReading::entropy)));
        List<ThresholdVerdict.Decision> decisions = new ArrayList<>();
        List<ThresholdVerdict.HeldBack> heldBack = new ArrayList<>();
        int[] activePerLayer = new int[in.numLayers()];
        active.forEach(h -> activePerLayer[h.layer()]++);
        int prunedNow = in.totalHeads() - active.size();

        List<HeadId> aboveRevive =
                pruned.stream()
                        .filter(h -> in.readings().get(h).sensitivity() > t.revive())
                        .toList();
        List<HeadId> belowLow =
                pruned.stream()
                        .filter(h -> in.readings().get(h).entropy() < t.lowEntropy())
                        .toList();
        List<HeadId> reviveCandidates =
                aboveRevive.stream()
                        .filter(belowLow::contains)
                        .sorted(
                                Comparator.comparingDouble(
                                                (HeadId h) -> -in.readings().get(h).sensitivity())
                                        .thenComparingDouble(h -> in.readings().get(h).entropy())
                                        .thenComparing(Comparator.naturalOrder()))
                        .toList();
        int revived = 0;
        for (HeadId h : reviveCandidates) {
            HeadReading r = in.readings().get(h);
            int intervals = in.status().get(h).prunedIntervals();
            if (config.mode() == PruneMode.COMPRESSED) {
                heldBack.add(held(h, ControllerAction.REVIVED, "compressed mode revives no head"));
            } else if (intervals < config.minZeroIntervals()) {
                heldBack.add(
                        held(
                                h,
                                ControllerAction.REVIVED,
                                "pruned for "
                                        + intervals
                                        + " of the "
                                        + config.minZeroIntervals()
                                        + " intervals --min-zero-intervals asks"));
            } else {
                decisions.add(
                        new ThresholdVerdict.Decision(
                                h,
                                ControllerAction.REVIVED,
                                r,
                                "sensitivity "
                                        + compared(
                                                r.sensitivity(), " > ", t.revive(), config.revive())
                                        + " and entropy "
                                        + compared(
                                                r.entropy(),
                                                " < ",
                                                t.lowEntropy(),
                                                config.lowEntropy())
                                        + ", pruned for "
                                        + intervals
                                        + " intervals"));
                activePerLayer[h.layer()]++;
                prunedNow--;
                revived++;
            }
        }

        List<HeadId> aboveHigh =
                active.stream()
                        .filter(h -> in.readings().get(h).entropy() > t.highEntropy())
                        .toList();
        List<HeadId> belowGradient =
                active.stream()
                        .filter(h -> in.readings().get(h).gradientNorm() < t.gradient())
                        .toList();
        List<HeadId> pruneCandidates =
                aboveHigh.stream()
                        .filter(belowGradient::contains)
                        .sorted(
                                Comparator.comparingDouble(
                                                (HeadId h) -> -in.readings().get(h).entropy())
                                        .thenComparingDouble(
                                                h -> in.readings().get(h).gradientNorm())
                                        .thenComparing(Comparator.naturalOrder()))
                        .toList();
        int rateCap = rateCap(config, active.size());
        int fractionCap = fractionCap(config, in.totalHeads());
        int prunedThisInterval = 0;
        for (HeadId h : pruneCandidates) {
            HeadReading r = in.readings().get(h);
            if (prunedThisInterval >= rateCap) {
                heldBack.add(
                        held(
                                h,
                                ControllerAction.PRUNED,
                                "--prune-rate-limit "
                                        + config.pruneRateLimit()
                                        + " allows "
                                        + rateCap
                                        + " of "
                                        + active.size()
                                        + " active heads an interval"));
            } else if (prunedNow >= fractionCap) {
                heldBack.add(
                        held(
                                h,
                                ControllerAction.PRUNED,
                                "--max-pruned-fraction "
                                        + config.maxPrunedFraction()
                                        + " allows "
                                        + fractionCap
                                        + " of "
                                        + in.totalHeads()
                                        + " heads pruned"));
            } else if (activePerLayer[h.layer()] <= 1) {
                heldBack.add(
                        held(
                                h,
                                ControllerAction.PRUNED,
                                "the last active head of layer " + h.layer()));
            } else {
                decisions.add(
                        new ThresholdVerdict.Decision(
                                h,
                                ControllerAction.PRUNED,
                                r,
                                "entropy "
                                        + compared(
                                                r.entropy(),
                                                " > ",
                                                t.highEntropy(),
                                                config.highEntropy())
                                        + " and gradient norm "
                                        + compared(
                                                r.gradientNorm(),
                                                " < ",
                                                t.gradient(),
                                                config.gradient())));
                activePerLayer[h.layer()]--;
                prunedNow++;
                prunedThisInterval++;
            }
        }
        return new ThresholdVerdict(
                decisions,
                heldBack,
                t,
                new ThresholdVerdict.Selection(
                        aboveHigh.size(),
                        belowGradient.size(),
                        pruneCandidates.size(),
                        prunedThisInterval,
                        aboveRevive.size(),
                        belowLow.size(),
                        reviveCandidates.size(),
                        revived));
    }

    /** Heads the rate limit lets this interval prune out of {@code active}. */
    static int rateCap(ThresholdConfig config, int active) {
        return (int) Math.floor(config.pruneRateLimit() * active + EPSILON);
    }

    /** Heads the maximum fraction lets be pruned in all, out of {@code total}. */
    static int fractionCap(ThresholdConfig config, int total) {
        return (int) Math.floor(config.maxPrunedFraction() * total + EPSILON);
    }

    /** "0.95 > 0.64 (q0.9)", or "0.95 > 0.8" for an absolute threshold. */
    private static String compared(
            double value, String relation, double resolved, Threshold threshold) {
        return Distribution.format(value)
                + relation
                + Distribution.format(resolved)
                + (threshold.quantile() ? " (" + threshold + ")" : "");
    }

    private static ThresholdVerdict.HeldBack held(HeadId h, ControllerAction action, String why) {
        return new ThresholdVerdict.HeldBack(h, action, why);
    }

    private static double[] values(
            ThresholdInputs in,
            List<HeadId> heads,
            java.util.function.ToDoubleFunction<HeadReading> metric) {
        return heads.stream()
                .mapToDouble(h -> metric.applyAsDouble(in.readings().get(h)))
                .filter(Double::isFinite)
                .toArray();
    }
}
