package ai.sentinel.data;

/**
 * A token sequence cut into non-overlapping blocks of {@code blockLength} inputs: block i holds
 * inputs {@code tokens[i·T .. i·T+T)} and targets shifted by one, {@code tokens[i·T+1 .. i·T+T]}.
 */
public final class TokenBlocks {
    private final TokenSequence tokens;
    private final int blockLength;
    private final int numBlocks;

    public TokenBlocks(int[] tokens, int blockLength) {
        this(TokenSequence.of(tokens), blockLength);
    }

    public TokenBlocks(TokenSequence tokens, int blockLength) {
        if (blockLength < 1) {
            throw new IllegalArgumentException("block length must be >= 1, got " + blockLength);
        }
        if (tokens.length() < blockLength + 1L) {
            throw new IllegalArgumentException(
                    "text of "
                            + tokens.length()
                            + " tokens is shorter than one block of "
                            + blockLength
                            + " tokens plus its next-token target; use a longer text or a shorter --seq-len");
        }
        long blocks = (tokens.length() - 1) / blockLength;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    tokens.length()
                            + " tokens make more than "
                            + Integer.MAX_VALUE
                            + " blocks of "
                            + blockLength
                            + "; use a longer --seq-len");
        }
        this.tokens = tokens;
        this.blockLength = blockLength;
        this.numBlocks = (int) blocks;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int blockLength() {
        return blockLength;
    }

    public long numTokens() {
        return tokens.length();
    }

    /** Copies block {@code index}'s inputs and targets into row {@code row} of (rows, T) arrays. */
    public void copyBlock(int index, long[] inputs, long[] targets, int row) {
        if (index < 0 || index >= numBlocks) {
            throw new IndexOutOfBoundsException("block " + index + " of " + numBlocks);
        }
        long start = (long) index * blockLength;
        for (int t = 0; t < blockLength; t++) {
            inputs[row * blockLength + t] = tokens.get(start + t);
            targets[row * blockLength + t] = tokens.get(start + t + 1);
        }
    }
}
