package ai.sentinel.train;

/**
 * What a training run does.
 *
 * @param steps optimizer steps in the whole run (a resumed run continues up to this count)
 * @param gradClip maximum global gradient norm; 0 disables clipping
 * @param evalEvery evaluate every this many steps (and at the end); 0 = only at the end
 * @param checkpointEvery write a resumable checkpoint every this many steps (and at the end); 0 =
 *     only at the end
 * @param trainGates whether the head gates are optimised too (no weight decay on them)
 */
public record TrainConfig(
        int steps,
        int batchSize,
        LrSchedule schedule,
        AdamWConfig optimizer,
        float gradClip,
        int evalEvery,
        int evalBatches,
        int checkpointEvery,
        long seed,
        boolean trainGates,
        int microBatch) {
    /** A config that trains each batch in one forward and backward pass. */
    public TrainConfig(
            int steps,
            int batchSize,
            LrSchedule schedule,
            AdamWConfig optimizer,
            float gradClip,
            int evalEvery,
            int evalBatches,
            int checkpointEvery,
            long seed,
            boolean trainGates) {
        this(
                steps,
                batchSize,
                schedule,
                optimizer,
                gradClip,
                evalEvery,
                evalBatches,
                checkpointEvery,
                seed,
                trainGates,
                0);
    }

    /**
     * The usual short run: AdamW defaults, warm-up then cosine decay to 10% of {@code lr}, clipping
     * at 1, no periodic evaluation or checkpoint (both happen once, at the end).
     */
    public static TrainConfig cosine(
            int steps, int batchSize, float lr, int warmupSteps, int evalBatches, long seed) {
        return new TrainConfig(
                steps,
                batchSize,
                new LrSchedule(lr, warmupSteps, steps, LrSchedule.Decay.COSINE, 0.1f),
                AdamWConfig.defaults(),
                1.0f,
                0,
                evalBatches,
                0,
                seed,
                false);
    }

    /** This config with checkpoints every {@code every} steps (0 = only at the end). */
    public TrainConfig withCheckpointEvery(int every) {
        return with(every, microBatch);
    }

    /**
     * This config with each batch trained {@code rows} rows at a time, their gradients accumulated
     * (0: the whole batch at once; see {@link TrainingStep}).
     */
    public TrainConfig withMicroBatch(int rows) {
        return with(checkpointEvery, rows);
    }

    private TrainConfig with(int every, int rows) {
        return new TrainConfig(
                steps,
                batchSize,
                schedule,
                optimizer,
                gradClip,
                evalEvery,
                evalBatches,
                every,
                seed,
                trainGates,
                rows);
    }

    public TrainConfig {
        if (steps < 1 || batchSize < 1 || evalBatches < 1) {
            throw new IllegalArgumentException(
                    "steps, batch size and eval batches must be >= 1, got "
                            + steps
                            + ", "
                            + batchSize
                            + ", "
                            + evalBatches);
        }
        if (microBatch < 0) {
            throw new IllegalArgumentException("micro-batch must be >= 0, got " + microBatch);
        }
        if (!(gradClip >= 0) || evalEvery < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException(
                    "grad clip, eval interval and checkpoint interval must be >= 0");
        }
    }
}
