package ai.sentinel.data;

/** Token ids of one batch, row-major (batchSize, length): inputs and their next-token targets. */
public record Batch(long[] inputs, long[] targets, int batchSize, int length) {
    public Batch {
        if (inputs.length != (long) batchSize * length || targets.length != inputs.length) {
            throw new IllegalArgumentException(
                    "batch arrays must hold " + batchSize + " × " + length + " ids");
        }
    }

    public static Batch of(TokenBlocks blocks, int[] blockIndices) {
        int T = blocks.blockLength();
        long[] inputs = new long[blockIndices.length * T];
        long[] targets = new long[inputs.length];
        for (int row = 0; row < blockIndices.length; row++) {
            blocks.copyBlock(blockIndices[row], inputs, targets, row);
        }
        return new Batch(inputs, targets, blockIndices.length, T);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) as a batch of their own. */
    public Batch rows(int from, int to) {
        if (from < 0 || to > batchSize || from >= to) {
            throw new IllegalArgumentException(
                    "rows " + from + " to " + to + " of a batch of " + batchSize);
        }
        int a = from * length;
        int b = to * length;
        return new Batch(
                java.util.Arrays.copyOfRange(inputs, a, b),
                java.util.Arrays.copyOfRange(targets, a, b),
                to - from,
                length);
    }
}
