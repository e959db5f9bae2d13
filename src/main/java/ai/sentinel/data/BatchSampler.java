package ai.sentinel.data;

import java.util.SplittableRandom;

/**
 * Training batches in a seeded order: each epoch visits every block once in a permutation drawn
 * from {@code (seed, epoch)}. The position (epoch, offset) is all the state, so a resumed run
 * continues exactly.
 */
public final class BatchSampler {
    /** Where the sampler stands. */
    public record Position(int epoch, int offset) {}

    private final TokenBlocks blocks;
    private final int batchSize;
    private final long seed;
    private int epoch;
    private int offset;
    private int[] order;

    public BatchSampler(TokenBlocks blocks, int batchSize, long seed, Position start) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.blocks = blocks;
        this.batchSize = batchSize;
        this.seed = seed;
        this.epoch = start.epoch();
        this.offset = start.offset();
        this.order = permutation(epoch);
    }

    public Position position() {
        return new Position(epoch, offset);
    }

    public Batch next() {
        int[] picked = new int[batchSize];
        for (int row = 0; row < batchSize; row++) {
            if (offset == order.length) {
                epoch++;
                offset = 0;
                order = permutation(epoch);
            }
            picked[row] = order[offset++];
        }
        return Batch.of(blocks, picked);
    }

    private int[] permutation(int epochIndex) {
        int n = blocks.numBlocks();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epochIndex);
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = random.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
