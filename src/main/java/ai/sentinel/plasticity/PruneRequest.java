package ai.sentinel.plasticity;

/**
 * One pruning step: which strategy, how much of the active heads, how.
 *
 * @param fraction of the currently active heads to prune, in [0, 1)
 * @param maxPrunedFraction never more than this fraction of all heads pruned at once, in [0, 1)
 * @param normalizeImportance rank by importance L2-normalised within each layer
 * @param gqaPolicy which query heads a grouped-query model may lose
 * @param uniformLayers with the balanced policy: the same number of heads in every layer
 */
public record PruneRequest(
        PruningMethod method,
        double fraction,
        PruneMode mode,
        double maxPrunedFraction,
        double entropyWeight,
        double gradientWeight,
        boolean normalizeImportance,
        long seed,
        GqaPolicy gqaPolicy,
        boolean uniformLayers) {
    /** Any query heads ({@link GqaPolicy#QUERY}). */
    public PruneRequest(
            PruningMethod method,
            double fraction,
            PruneMode mode,
            double maxPrunedFraction,
            double entropyWeight,
            double gradientWeight,
            boolean normalizeImportance,
            long seed) {
        this(
                method,
                fraction,
                mode,
                maxPrunedFraction,
                entropyWeight,
                gradientWeight,
                normalizeImportance,
                seed,
                GqaPolicy.QUERY,
                false);
    }

    public PruneRequest {
        if (gqaPolicy == null) {
            throw new IllegalArgumentException("a pruning request needs a grouped-query policy");
        }
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "pruning fraction must be in [0, 1), got " + fraction);
        }
    }
}
