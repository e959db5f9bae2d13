package ai.sentinel.cli;

import ai.sentinel.plasticity.ProgressiveGrowth;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Progressive growth: start with most heads pruned, grow toward a target share of active heads
 * while training.
 */
final class ProgressiveOptions {
    @Option(
            names = "--start-active",
            defaultValue = "0.1",
            description =
                    "Share of heads active at step 0 (uniform pruning, at least one per layer). Default:"
                            + " ${DEFAULT-VALUE}.")
    double startActive;

    static final double DEFAULT_TARGET_ACTIVE = 0.7;

    @Option(
            names = "--target-active",
            paramLabel = "FRACTION",
            description =
                    "Share of heads active once growth is done (default 0.7); with --controller learned,"
                            + " the share of gates the controller steers toward (default: none, a fixed"
                            + " --penalty).")
    Double targetActive;

    @Option(
            names = "--grow-every",
            defaultValue = "50",
            description = "Steps between growth events. Default: ${DEFAULT-VALUE}.")
    int growEvery;

    @Option(
            names = "--grow-until",
            defaultValue = "0.6",
            description =
                    "Share of the run by which the target is reached (the rest trains the final shape)."
                            + " Default: ${DEFAULT-VALUE}.")
    double growUntil;

    @Mixin CommonOptions.MetricBatches metricBatches;

    @Mixin GrowthOptions growth;
    @Mixin WarmupOptions warmup;

    ProgressiveGrowth.Settings settings(long seed) {
        return new ProgressiveGrowth.Settings(
                growth.strategy,
                growth.init,
                startActive,
                targetActive != null ? targetActive : DEFAULT_TARGET_ACTIVE,
                growEvery,
                growUntil,
                warmup.schedule(),
                growth.initialScale,
                seed);
    }
}
