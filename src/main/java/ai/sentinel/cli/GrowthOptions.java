package ai.sentinel.cli;

import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthMethod;
import picocli.CommandLine.Option;

/**
 * How to grow: shared by {@code cycle} and {@code grow} (original snake_case spellings accepted).
 */
final class GrowthOptions {
    @Option(
            names = {"--growth-strategy", "--growth_strategy"},
            defaultValue = "GRADIENT_SENSITIVITY",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    GrowthMethod strategy;

    @Option(
            names = {"--growth-init", "--growth_init"},
            defaultValue = "FUNCTION_PRESERVING",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    GrowthInit init;

    @Option(
            names = "--initial-scale",
            defaultValue = "0.01",
            description = "Weight scale of --growth-init scaled. Default: ${DEFAULT-VALUE}.")
    float initialScale;
}
