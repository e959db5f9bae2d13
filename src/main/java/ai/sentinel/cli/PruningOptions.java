package ai.sentinel.cli;

import ai.sentinel.plasticity.GqaPolicy;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.PruneRequest;
import ai.sentinel.plasticity.PruningMethod;
import picocli.CommandLine.Option;

/**
 * How to prune: shared by {@code cycle} and {@code prune} (original snake_case spellings accepted).
 */
final class PruningOptions {
    @Option(
            names = {"--pruning-strategy", "--pruning_strategy"},
            defaultValue = "ENTROPY",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    PruningMethod strategy;

    @Option(
            names = {"--pruning-mode", "--pruning_mode"},
            defaultValue = "ADAPTIVE",
            description =
                    "ADAPTIVE masks (revivable), COMPRESSED removes slices. Default: ${DEFAULT-VALUE}.")
    PruneMode mode;

    @Option(
            names = "--max-pruned-fraction",
            defaultValue = "0.9",
            description =
                    "Never more than this fraction of all heads pruned. Default: ${DEFAULT-VALUE}.")
    double maxPrunedFraction;

    @Option(
            names = "--entropy-weight",
            defaultValue = "0.5",
            description = "For combined. Default: ${DEFAULT-VALUE}.")
    double entropyWeight;

    @Option(
            names = "--gradient-weight",
            defaultValue = "0.5",
            description = "For combined. Default: ${DEFAULT-VALUE}.")
    double gradientWeight;

    @Option(
            names = "--normalize-importance",
            description = "Rank by importance L2-normalised within each layer.")
    boolean normalizeImportance;

    @Option(
            names = "--gqa-policy",
            paramLabel = "POLICY",
            defaultValue = "query",
            description =
                    "Grouped-query models: query (any query heads; a key/value group goes with its last"
                            + " query head), group (whole groups, by their heads' mean priority) or balanced (the"
                            + " same number from every group of a layer, every group kept). Default:"
                            + " ${DEFAULT-VALUE}.")
    String gqaPolicy;

    @Option(
            names = "--uniform-layers",
            description =
                    "With --gqa-policy balanced: the same number of heads in every layer (a shape a standard"
                            + " config can express; see sentinel export --format hf-compact).")
    boolean uniformLayers;

    GqaPolicy gqaPolicy() {
        GqaPolicy policy = GqaPolicy.of(gqaPolicy);
        if (uniformLayers && policy != GqaPolicy.BALANCED) {
            throw new IllegalArgumentException("--uniform-layers needs --gqa-policy balanced");
        }
        return policy;
    }

    PruneRequest request(double fraction, long seed) {
        return new PruneRequest(
                strategy,
                fraction,
                mode,
                maxPrunedFraction,
                entropyWeight,
                gradientWeight,
                normalizeImportance,
                seed,
                gqaPolicy(),
                uniformLayers);
    }
}
