package ai.sentinel.plasticity;

/**
 * What a plasticity run does: {@code cycles} × (baseline → prune → measure → grow → learn), after
 * {@code initialTrainingSteps} of ordinary training.
 *
 * @param initialPruning fraction of the active heads pruned in each cycle
 * @param growthRatio heads grown back per cycle as a fraction of those pruned (at least one while any is pruned)
 * @param maxPrunedFraction no more than this fraction of all heads is ever pruned at once
 * @param normalizeImportance rank by importance L2-normalised within each layer
 * @param metricBatches validation batches per head measurement
 * @param sampleTokens tokens generated per sample text at each stage (0 = none)
 */
public record CycleConfig(int cycles, int initialTrainingSteps, int learningSteps, double initialPruning,
        double growthRatio, PruningMethod pruning, GrowthMethod growth, PruneMode mode, GrowthInit init,
        GrowthSchedule schedule, float initialScale, double maxPrunedFraction, double entropyWeight,
        double gradientWeight, boolean normalizeImportance, Training training, int metricBatches, int sampleTokens, long seed) {

    /**
     * The ordinary-training settings shared by the initial training and the learning phases.
     *
     * @param checkpointEvery a resumable checkpoint every this many steps of a phase (0 = only at its end)
     */
    public record Training(int batchSize, float learningRate, int warmupSteps, int evalBatches, int checkpointEvery) {
        public Training(int batchSize, float learningRate, int warmupSteps, int evalBatches) {
            this(batchSize, learningRate, warmupSteps, evalBatches, 0);
        }

        public Training {
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
            }
        }
    }

    public CycleConfig {
        require(cycles >= 1, "cycles must be >= 1, got " + cycles);
        require(initialTrainingSteps >= 0 && learningSteps >= 0, "initial training steps and learning steps must be"
                + " >= 0, got " + initialTrainingSteps + " and " + learningSteps);
        require(initialPruning >= 0 && initialPruning < 1, "initial pruning must be in [0, 1), got " + initialPruning);
        require(growthRatio >= 0 && growthRatio <= 1, "growth ratio must be in [0, 1], got " + growthRatio);
        require(maxPrunedFraction >= 0 && maxPrunedFraction < 1,
                "maximum pruned fraction must be in [0, 1), got " + maxPrunedFraction);
        require(initialScale > 0, "initial scale must be > 0, got " + initialScale);
        require(metricBatches >= 1 && sampleTokens >= 0, "metric batches must be >= 1 and sample tokens >= 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
