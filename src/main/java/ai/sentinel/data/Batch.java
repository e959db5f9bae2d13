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
}
