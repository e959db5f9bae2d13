package ai.sentinel.cli;

import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.control.LearnedGateConfig;
import ai.sentinel.plasticity.control.LearnedGateController;
import picocli.CommandLine.Option;

/**
 * The learned-gate controller's options ({@code --controller learned}, or the original's {@code
 * ann}). Validation errors are one-line {@link IllegalArgumentException}s naming the option.
 */
final class LearnedControllerOptions {
    @Option(
            names = "--controller-lr",
            paramLabel = "RATE",
            description =
                    "Adam rate of the gate logits (and of λ's ascent with --target-active). Default:"
                            + " ${DEFAULT-VALUE}.")
    double learningRate = 0.05;

    @Option(
            names = "--controller-warmup-steps",
            paramLabel = "N",
            description =
                    "Steps before the sparsity penalty switches on (the gates learn from the loss alone)."
                            + " Default: ${DEFAULT-VALUE}.")
    int warmupSteps = 50;

    @Option(
            names = "--target-ramp-steps",
            paramLabel = "N",
            description =
                    "Steps after the warm-up over which the target moves from all heads open to"
                            + " --target-active (aimed at a far target at once, λ overshoots it). Default:"
                            + " ${DEFAULT-VALUE}.")
    int rampSteps = 200;

    @Option(
            names = "--penalty",
            paramLabel = "LAMBDA",
            description =
                    "Fixed λ: the loss is the language-model loss + λ × expected number of open gates."
                            + " Used without --target-active. Default: 0.01.")
    Double penalty;

    @Option(
            names = "--update-frequency",
            paramLabel = "N",
            description = "Steps between pruning checks. Default: ${DEFAULT-VALUE}.")
    int updateFrequency = 50;

    @Option(
            names = "--gate-threshold",
            paramLabel = "G",
            description =
                    "A head whose deterministic gate is below this, in [0, 1], at a check counts a check."
                            + " Default: ${DEFAULT-VALUE}.")
    double gateThreshold = 0.05;

    @Option(
            names = "--prune-patience",
            paramLabel = "K",
            description =
                    "Consecutive checks below --gate-threshold that prune a head. Default:"
                            + " ${DEFAULT-VALUE}.")
    int patience = 3;

    static final double DEFAULT_PENALTY = 0.01;

    /**
     * The controller's settings; an option out of range is an IllegalArgumentException.
     *
     * @param targetActive the command's {@code --target-active} (null: not given), which the
     *     learned controller shares with progressive growth
     * @param mode the command's {@code --pruning-mode}
     */
    LearnedGateConfig config(Double targetActive, PruneMode mode) {
        require(
                learningRate > 0 && Double.isFinite(learningRate),
                "--controller-lr must be a number > 0, got " + learningRate);
        require(
                warmupSteps >= 0,
                "--controller-warmup-steps must be an integer >= 0, got " + warmupSteps);
        require(
                updateFrequency >= 1,
                "--update-frequency must be an integer >= 1, got " + updateFrequency);
        require(
                gateThreshold >= 0 && gateThreshold <= 1,
                "--gate-threshold must be in [0, 1], got " + gateThreshold);
        require(patience >= 1, "--prune-patience must be an integer >= 1, got " + patience);
        require(
                targetActive == null || penalty == null,
                "--target-active and --penalty exclude each other with --controller learned: give one");
        LearnedGateConfig.Sparsity sparsity;
        if (targetActive != null) {
            require(
                    targetActive > 0 && targetActive <= 1,
                    "--target-active must be a fraction in (0, 1], got " + targetActive);
            require(
                    rampSteps >= 0,
                    "--target-ramp-steps must be an integer >= 0, got " + rampSteps);
            sparsity = new LearnedGateConfig.TargetActive(targetActive, rampSteps);
        } else {
            double lambda = penalty != null ? penalty : DEFAULT_PENALTY;
            require(
                    lambda >= 0 && Double.isFinite(lambda),
                    "--penalty must be a number >= 0, got " + lambda);
            sparsity = new LearnedGateConfig.FixedPenalty(lambda);
        }
        return new LearnedGateConfig(
                learningRate,
                warmupSteps,
                sparsity,
                updateFrequency,
                gateThreshold,
                patience,
                mode,
                LearnedGateConfig.DEFAULT_INITIAL_LOG_ALPHA);
    }

    /** Makes each run's controller (the options are validated here, once). */
    ControllerFactory factory(Double targetActive, PruneMode mode) {
        LearnedGateConfig config = config(targetActive, mode);
        return (model, data, cycle, firstStep, events, seed) ->
                new LearnedGateController(model, config, cycle, firstStep, events, seed);
    }

    private static void require(boolean holds, String message) {
        if (!holds) {
            throw new IllegalArgumentException(message);
        }
    }
}
