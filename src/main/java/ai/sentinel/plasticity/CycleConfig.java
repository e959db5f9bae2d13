package ai.sentinel.plasticity;

/**
 * What a plasticity run does: {@code cycles} × (baseline → prune → measure → grow → learn), after
 * {@code initialTrainingSteps} of ordinary training. Build one by name with {@link #builder()},
 * whose defaults are the command line's.
 *
 * @param initialPruning fraction of the active heads pruned in each cycle
 * @param growthRatio heads grown back per cycle as a fraction of those pruned (at least one while
 *     any is pruned)
 * @param maxPrunedFraction no more than this fraction of all heads is ever pruned at once
 * @param normalizeImportance rank by importance L2-normalised within each layer
 * @param gqaPolicy which query heads a grouped-query model may lose
 * @param uniformLayers with the balanced policy: the same number of heads pruned in every layer
 * @param metricBatches validation batches per head measurement
 * @param sampleTokens tokens generated per sample text at each stage (0 = none)
 */
public record CycleConfig(
        int cycles,
        int initialTrainingSteps,
        int learningSteps,
        double initialPruning,
        double growthRatio,
        PruningMethod pruning,
        GrowthMethod growth,
        PruneMode mode,
        GrowthInit init,
        GrowthSchedule schedule,
        float initialScale,
        double maxPrunedFraction,
        double entropyWeight,
        double gradientWeight,
        boolean normalizeImportance,
        GqaPolicy gqaPolicy,
        boolean uniformLayers,
        Training training,
        int metricBatches,
        int sampleTokens,
        long seed) {

    /**
     * The ordinary-training settings shared by the initial training and the learning phases.
     *
     * @param checkpointEvery a resumable checkpoint every this many steps of a phase (0 = only at
     *     its end)
     */
    public record Training(
            int batchSize,
            float learningRate,
            int warmupSteps,
            int evalBatches,
            int checkpointEvery,
            int microBatch) {
        public Training(int batchSize, float learningRate, int warmupSteps, int evalBatches) {
            this(batchSize, learningRate, warmupSteps, evalBatches, 0, 0);
        }

        public Training(
                int batchSize,
                float learningRate,
                int warmupSteps,
                int evalBatches,
                int checkpointEvery) {
            this(batchSize, learningRate, warmupSteps, evalBatches, checkpointEvery, 0);
        }

        public Training {
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException(
                        "checkpoint interval must be >= 0, got " + checkpointEvery);
            }
            if (microBatch < 0) {
                throw new IllegalArgumentException("micro-batch must be >= 0, got " + microBatch);
            }
        }

        /** These settings with each batch trained {@code rows} rows at a time (0: at once). */
        public Training withMicroBatch(int rows) {
            return new Training(
                    batchSize, learningRate, warmupSteps, evalBatches, checkpointEvery, rows);
        }
    }

    public CycleConfig {
        require(cycles >= 1, "cycles must be >= 1, got " + cycles);
        require(
                initialTrainingSteps >= 0 && learningSteps >= 0,
                "initial training steps and learning steps must be"
                        + " >= 0, got "
                        + initialTrainingSteps
                        + " and "
                        + learningSteps);
        require(
                initialPruning >= 0 && initialPruning < 1,
                "initial pruning must be in [0, 1), got " + initialPruning);
        require(
                growthRatio >= 0 && growthRatio <= 1,
                "growth ratio must be in [0, 1], got " + growthRatio);
        require(
                maxPrunedFraction >= 0 && maxPrunedFraction < 1,
                "maximum pruned fraction must be in [0, 1), got " + maxPrunedFraction);
        require(initialScale > 0, "initial scale must be > 0, got " + initialScale);
        require(
                metricBatches >= 1 && sampleTokens >= 0,
                "metric batches must be >= 1 and sample tokens >= 0");
    }

    /**
     * The growth schedule a learning phase uses: the configured one, with the gate warm-up and the
     * rate boost shortened to the phase when they are longer, so that every head grown in a cycle
     * is fully open (gate 1) when its learning phase ends — a half-warmed gate would be carried
     * into the next cycle, measured, and saved.
     */
    public GrowthSchedule learningSchedule() {
        return schedule.fittedTo(learningSteps);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .cycles(cycles)
                .initialTrainingSteps(initialTrainingSteps)
                .learningSteps(learningSteps)
                .initialPruning(initialPruning)
                .growthRatio(growthRatio)
                .pruning(pruning)
                .growth(growth)
                .mode(mode)
                .init(init)
                .schedule(schedule)
                .initialScale(initialScale)
                .maxPrunedFraction(maxPrunedFraction)
                .entropyWeight(entropyWeight)
                .gradientWeight(gradientWeight)
                .normalizeImportance(normalizeImportance)
                .gqaPolicy(gqaPolicy)
                .uniformLayers(uniformLayers)
                .training(training)
                .metricBatches(metricBatches)
                .sampleTokens(sampleTokens)
                .seed(seed);
    }

    /** Named settings with the command line's defaults. */
    public static final class Builder {
        private int cycles = 1;
        private int initialTrainingSteps = 500;
        private int learningSteps = 300;
        private double initialPruning = 0.3;
        private double growthRatio = 0.33;
        private PruningMethod pruning = PruningMethod.ENTROPY;
        private GrowthMethod growth = GrowthMethod.GRADIENT_SENSITIVITY;
        private PruneMode mode = PruneMode.ADAPTIVE;
        private GrowthInit init = GrowthInit.FUNCTION_PRESERVING;
        private GrowthSchedule schedule = GrowthSchedule.defaults();
        private float initialScale = 0.01f;
        private double maxPrunedFraction = 0.9;
        private double entropyWeight = 0.5;
        private double gradientWeight = 0.5;
        private boolean normalizeImportance;
        private GqaPolicy gqaPolicy = GqaPolicy.QUERY;
        private boolean uniformLayers;
        private Training training = new Training(16, 3e-3f, 100, 20);
        private int metricBatches = 8;
        private int sampleTokens = 120;
        private long seed = 42;

        private Builder() {}

        public Builder cycles(int v) {
            cycles = v;
            return this;
        }

        public Builder initialTrainingSteps(int v) {
            initialTrainingSteps = v;
            return this;
        }

        public Builder learningSteps(int v) {
            learningSteps = v;
            return this;
        }

        public Builder initialPruning(double v) {
            initialPruning = v;
            return this;
        }

        public Builder growthRatio(double v) {
            growthRatio = v;
            return this;
        }

        public Builder pruning(PruningMethod v) {
            pruning = v;
            return this;
        }

        public Builder growth(GrowthMethod v) {
            growth = v;
            return this;
        }

        public Builder mode(PruneMode v) {
            mode = v;
            return this;
        }

        public Builder init(GrowthInit v) {
            init = v;
            return this;
        }

        public Builder schedule(GrowthSchedule v) {
            schedule = v;
            return this;
        }

        public Builder initialScale(float v) {
            initialScale = v;
            return this;
        }

        public Builder maxPrunedFraction(double v) {
            maxPrunedFraction = v;
            return this;
        }

        public Builder entropyWeight(double v) {
            entropyWeight = v;
            return this;
        }

        public Builder gradientWeight(double v) {
            gradientWeight = v;
            return this;
        }

        public Builder gqaPolicy(GqaPolicy v) {
            gqaPolicy = v;
            return this;
        }

        public Builder uniformLayers(boolean v) {
            uniformLayers = v;
            return this;
        }

        public Builder normalizeImportance(boolean v) {
            normalizeImportance = v;
            return this;
        }

        public Builder training(Training v) {
            training = v;
            return this;
        }

        public Builder metricBatches(int v) {
            metricBatches = v;
            return this;
        }

        public Builder sampleTokens(int v) {
            sampleTokens = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** The configuration; out-of-range values are refused with a message naming them. */
        public CycleConfig build() {
            return new CycleConfig(
                    cycles,
                    initialTrainingSteps,
                    learningSteps,
                    initialPruning,
                    growthRatio,
                    pruning,
                    growth,
                    mode,
                    init,
                    schedule,
                    initialScale,
                    maxPrunedFraction,
                    entropyWeight,
                    gradientWeight,
                    normalizeImportance,
                    gqaPolicy,
                    uniformLayers,
                    training,
                    metricBatches,
                    sampleTokens,
                    seed);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
