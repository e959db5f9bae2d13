package ai.sentinel.cli;

import ai.sentinel.plasticity.GrowthSchedule;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How grown heads are integrated (gate warm-up, new-head learning rate), in cycles and progressive
 * growth.
 */
final class WarmupOptions {
    @Option(
            names = {"--new-head-lr-multiplier", "--new_head_lr_multiplier"},
            defaultValue = "5.0",
            description =
                    "Learning-rate multiplier of new heads, decaying to 1. Default: ${DEFAULT-VALUE}.")
    float newHeadLrMultiplier;

    @Option(
            names = "--lr-decay-steps",
            defaultValue = "100",
            description =
                    "Steps over which the new-head multiplier decays to 1. Default: ${DEFAULT-VALUE}.")
    int lrDecaySteps;

    @Option(
            names = "--gate-warmup-steps",
            defaultValue = "100",
            description =
                    "Steps over which a new head's gate ramps from --start-gate to 1. Default: ${DEFAULT-VALUE}.")
    int gateWarmupSteps;

    @Mixin CommonOptions.StartGate startGate;

    GrowthSchedule schedule() {
        return new GrowthSchedule(
                startGate.startGate, gateWarmupSteps, newHeadLrMultiplier, lrDecaySteps);
    }
}
