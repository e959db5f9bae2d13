package ai.sentinel.upgrade;

/**
 * What {@code sentinel upgrade} does, shaped like the original's configuration (its snake_case keys
 * are read by {@link UpgradeConfigFile}). Every value is checked here; a bad one is an
 * IllegalArgumentException naming its key.
 *
 * @param cycles optimisation cycles
 * @param pruningLevel the share of active heads a proposal prunes at its full amount
 * @param growthRatio heads grown back per cycle, as a share of those pruned
 * @param learningRate the learning phase's rate (the new heads' rate is higher during warm-up)
 * @param runInference generate the fixed prompts' continuations before and after, side by side
 * @param plot write the report's charts
 * @param logMetrics write metrics/integration_metrics.jsonl (the summary is always written)
 */
public record UpgradeConfig(
        String dataset,
        int cycles,
        double pruningLevel,
        double growthRatio,
        double learningRate,
        ControllerConfig controller,
        PlasticityConfig plasticity,
        boolean runInference,
        boolean plot,
        boolean logMetrics,
        boolean dryRun) {
    public UpgradeConfig {
        CYCLES.require("cycles", cycles);
        require(pruningLevel > 0 && pruningLevel < 1, "pruning_level", "in (0, 1)", pruningLevel);
        require(growthRatio >= 0 && growthRatio <= 1, "growth_ratio", "in [0, 1]", growthRatio);
        require(
                learningRate > 0 && learningRate < 1,
                "learning_rate",
                "a number in (0, 1)",
                learningRate);
    }

    public static UpgradeConfig defaults() {
        return new UpgradeConfig(
                "tiny_shakespeare",
                3,
                0.3,
                0.5,
                5e-5,
                ControllerConfig.defaults(),
                PlasticityConfig.defaults(),
                true,
                true,
                true,
                false);
    }

    /** Who acts on the heads while a cycle learns. */
    public enum ControllerType {
        /** The learned hard-concrete gates (the original's {@code ann}). */
        LEARNED,
        /** The threshold rules. */
        THRESHOLD,
        /** Nobody: only the cycle's own pruning and growth change heads. */
        STATIC
    }

    /**
     * @param lr the learned controller's gate learning rate
     * @param updateFrequency steps between the controller's decisions
     * @param warmupSteps steps before the controller first acts
     */
    public record ControllerConfig(
            ControllerType type, double lr, int updateFrequency, int warmupSteps) {
        public ControllerConfig {
            require(
                    type != null,
                    "controller_config.controller_type",
                    "ann, learned, threshold or static",
                    type);
            require(lr > 0 && lr < 10, "controller_config.controller_lr", "in (0, 10)", lr);
            AT_LEAST_ONE.require("controller_config.update_frequency", updateFrequency);
            AT_LEAST_ZERO.require("controller_config.warmup_steps", warmupSteps);
        }

        public static ControllerConfig defaults() {
            return new ControllerConfig(ControllerType.LEARNED, 0.05, 50, 10);
        }
    }

    /**
     * @param maxDegenerationIncrease a cycle whose degeneration score exceeds the baseline's (the
     *     model's before the first cycle) by more than this is rolled back
     * @param maxDegenerationScore an absolute ceiling: a cycle whose degeneration score exceeds it
     *     is rolled back whatever the baseline; the default, {@value #NO_CEILING} (the score's
     *     maximum), never acts
     * @param maxPerplexityIncrease a cycle whose final perplexity exceeds its start's by more than
     *     this share is rolled back
     * @param trainingSteps learning steps per cycle
     * @param memoryCapacity how many recent outcomes steer the next proposal
     */
    public record PlasticityConfig(
            double maxDegenerationIncrease,
            double maxDegenerationScore,
            double maxPerplexityIncrease,
            int trainingSteps,
            int memoryCapacity) {
        /** The degeneration score's maximum: as a ceiling, no ceiling at all. */
        public static final double NO_CEILING = 10;

        /**
         * One point over the baseline, a tenth more of the text repeating itself: prose that starts
         * repeating a phrase once rises by about 0.9, a fall into a loop halfway by about 3.8
         * (docs/DEGENERATION.md). The original's absolute 3.0 rolled back every cycle of a model
         * whose baseline was already above it, however much the cycle improved it.
         */
        public static final double DEFAULT_DEGENERATION_INCREASE = 1.0;

        public PlasticityConfig {
            require(
                    maxDegenerationIncrease >= 0 && Double.isFinite(maxDegenerationIncrease),
                    "plasticity_config.max_degeneration_increase",
                    "a number >= 0 (score points over the baseline)",
                    maxDegenerationIncrease);
            require(
                    maxDegenerationScore > 0 && maxDegenerationScore <= NO_CEILING,
                    "plasticity_config.max_degeneration_score",
                    "a number in (0, 10] (10: no ceiling)",
                    maxDegenerationScore);
            require(
                    maxPerplexityIncrease >= 0 && Double.isFinite(maxPerplexityIncrease),
                    "plasticity_config.max_perplexity_increase",
                    "a number >= 0 (0.15 = 15%)",
                    maxPerplexityIncrease);
            AT_LEAST_ONE.require("plasticity_config.training_steps", trainingSteps);
            AT_LEAST_ONE.require("plasticity_config.memory_capacity", memoryCapacity);
        }

        public static PlasticityConfig defaults() {
            return new PlasticityConfig(DEFAULT_DEGENERATION_INCREASE, NO_CEILING, 0.15, 100, 5);
        }

        /** Whether {@link #maxDegenerationScore} can act (it is below the score's maximum). */
        public boolean hasDegenerationCeiling() {
            return maxDegenerationScore < NO_CEILING;
        }
    }

    /** The accepted values of {@code cycles}. */
    public static final IntRange CYCLES = new IntRange(1, 1000);

    /** The accepted values of the step counts and capacities that must be positive. */
    public static final IntRange AT_LEAST_ONE = new IntRange(1, Integer.MAX_VALUE);

    /** The accepted values of the step counts that may be zero. */
    public static final IntRange AT_LEAST_ZERO = new IntRange(0, Integer.MAX_VALUE);

    /**
     * The whole numbers an integer key accepts, written once for the check and for the message
     * (also of a number too large for an {@code int}, which a config file can hold).
     */
    public record IntRange(int min, int max) {
        public boolean contains(long value) {
            return value >= min && value <= max;
        }

        /** Refuses {@code value} of {@code key} outside the range, naming both. */
        public void require(String key, Object value) {
            boolean holds =
                    (value instanceof Integer || value instanceof Long)
                            && contains(((Number) value).longValue());
            UpgradeConfig.require(holds, key, toString(), value);
        }

        /** "an integer in 1..1000", "an integer >= 1 (at most 2147483647)". */
        @Override
        public String toString() {
            return max == Integer.MAX_VALUE
                    ? "an integer >= " + min + " (at most " + max + ")"
                    : "an integer in " + min + ".." + max;
        }
    }

    static void require(boolean holds, String key, String accepted, Object got) {
        if (!holds) {
            throw new IllegalArgumentException(key + " must be " + accepted + ", got " + got);
        }
    }
}
