package ai.sentinel.cli;

import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.control.MeasurementSummary;
import ai.sentinel.plasticity.control.Threshold;
import ai.sentinel.plasticity.control.ThresholdConfig;
import ai.sentinel.plasticity.control.ThresholdController;
import ai.sentinel.plasticity.control.ThresholdSettings;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The threshold controller's options ({@code --controller threshold}). {@code --pruning-mode} and
 * {@code --max-pruned-fraction} are not here: {@code cycle} already has them ({@link
 * PruningOptions}), and {@code train} mixes in {@link Pruning}, so no command declares them twice.
 *
 * <p>Defaults: an active head is pruned when its entropy is in the top decile (q0.9) and its
 * gradient norm below the median (q0.5) — with independent metrics about 5% of the active heads,
 * under the 10% rate limit; a pruned head comes back when its sensitivity is above the active
 * heads' median and its entropy below their median, far from the top decile that pruned it, so a
 * revived head does not at once qualify for pruning again. Quantiles select a share of heads at
 * every interval, so over a long run pruning goes on until {@code --max-pruned-fraction}; absolute
 * thresholds stop when no head crosses them.
 */
final class ThresholdControllerOptions {
    @Option(
            names = "--controller-interval",
            paramLabel = "STEPS",
            defaultValue = "50",
            description =
                    "Optimizer steps between the controller's measurements. Default: ${DEFAULT-VALUE}.")
    int interval;

    @Option(
            names = "--controller-batches",
            paramLabel = "N",
            defaultValue = "2",
            description =
                    "Validation batches per measurement, each one forward and backward pass."
                            + " Default: ${DEFAULT-VALUE}.")
    int batches;

    @Option(
            names = "--high-entropy-threshold",
            paramLabel = "T",
            defaultValue = "q0.9",
            description =
                    "Prune an active head whose normalised attention entropy is above this (a number, or a"
                            + " quantile of the active heads' entropies such as q0.9)… Default: ${DEFAULT-VALUE}.")
    String highEntropy;

    @Option(
            names = "--grad-threshold",
            paramLabel = "T",
            defaultValue = "q0.5",
            description =
                    "…and whose gradient norm is below this (number or quantile). Default: ${DEFAULT-VALUE}.")
    String gradient;

    @Option(
            names = "--revive-threshold",
            paramLabel = "T",
            defaultValue = "q0.5",
            description =
                    "Revive a pruned head (adaptive mode) whose sensitivity |dL/dg|, measured with its mask"
                            + " lifted, is above this (a number, or a quantile of the active heads'"
                            + " sensitivities)… Default: ${DEFAULT-VALUE}.")
    String revive;

    @Option(
            names = "--low-entropy-threshold",
            paramLabel = "T",
            defaultValue = "q0.5",
            description =
                    "…and whose entropy is below this (number or quantile of the active heads')."
                            + " Default: ${DEFAULT-VALUE}.")
    String lowEntropy;

    @Option(
            names = "--min-zero-intervals",
            paramLabel = "N",
            defaultValue = "2",
            description =
                    "A pruned head stays pruned at least this many controller intervals. Default: ${DEFAULT-VALUE}.")
    int minZeroIntervals;

    @Option(
            names = "--prune-rate-limit",
            paramLabel = "FRACTION",
            defaultValue = "0.1",
            description =
                    "At most this fraction of the active heads pruned per interval (rounded down)."
                            + " Default: ${DEFAULT-VALUE}.")
    double pruneRateLimit;

    /** {@code --pruning-mode} and {@code --max-pruned-fraction} for {@code train}. */
    static final class Pruning {
        @Option(
                names = "--pruning-mode",
                defaultValue = "ADAPTIVE",
                description =
                        "ADAPTIVE masks (revivable), COMPRESSED removes heads for good (no revival)."
                                + " Default: ${DEFAULT-VALUE}.")
        PruneMode mode;

        @Option(
                names = "--max-pruned-fraction",
                paramLabel = "FRACTION",
                defaultValue = "0.5",
                description =
                        "Never more than this fraction of all heads pruned. Default: ${DEFAULT-VALUE}.")
        double maxPrunedFraction;
    }

    /** What a measured value can be, so what an absolute threshold on it may be. */
    private record Metric(String what, double min, double max, String range) {}

    private static final Metric ENTROPY =
            new Metric("normalised attention entropy", 0, 1, "in [0, 1]");

    private static final Metric NORM =
            new Metric("a gradient norm or sensitivity", 0, Double.POSITIVE_INFINITY, ">= 0");

    /**
     * {@code text} of {@code option} as a threshold: a quantile, or an absolute value that {@code
     * metric} can take (one outside it selects every head or none, never what the user meant).
     */
    private static Threshold threshold(String option, String text, Metric metric) {
        Threshold t = Threshold.parse(option, text);
        if (!t.quantile() && (t.value() < metric.min() || t.value() > metric.max())) {
            throw new IllegalArgumentException(
                    option
                            + " "
                            + text.strip()
                            + " is out of range: "
                            + metric.what()
                            + " is "
                            + metric.range()
                            + ", so an absolute threshold must be "
                            + metric.range()
                            + " (or give a quantile such as q0.9)");
        }
        return t;
    }

    /** The rules these options ask for; a bad value is an IllegalArgumentException naming it. */
    ThresholdConfig rules(PruneMode mode, double maxPrunedFraction) {
        return new ThresholdConfig(
                threshold("--high-entropy-threshold", highEntropy, ENTROPY),
                threshold("--grad-threshold", gradient, NORM),
                threshold("--revive-threshold", revive, NORM),
                threshold("--low-entropy-threshold", lowEntropy, ENTROPY),
                minZeroIntervals,
                pruneRateLimit,
                maxPrunedFraction,
                mode);
    }

    /**
     * The factory of a run's threshold controller, validating every option now (before any
     * training).
     *
     * @param batchSize blocks per measuring batch (the run's {@code --batch-size})
     * @param revival gate warm-up and learning-rate boost of revived heads ({@link WarmupOptions})
     * @param onFirstMeasurement receives the first measurement's summary (print its {@code
     *     lines()})
     */
    ControllerFactory factory(
            PruneMode mode,
            double maxPrunedFraction,
            int batchSize,
            GrowthSchedule revival,
            Consumer<MeasurementSummary> onFirstMeasurement) {
        ThresholdSettings settings =
                new ThresholdSettings(
                        rules(mode, maxPrunedFraction), interval, batches, batchSize, revival);
        return ThresholdController.factory(settings, onFirstMeasurement);
    }

    /** {@link #factory} for {@code train}, with the {@link Pruning} options. */
    ControllerFactory factory(
            Pruning pruning,
            int batchSize,
            GrowthSchedule revival,
            Consumer<MeasurementSummary> onFirstMeasurement) {
        return factory(
                pruning.mode, pruning.maxPrunedFraction, batchSize, revival, onFirstMeasurement);
    }
}
