package ai.sentinel.data;

/**
 * Tokenised text as training and validation blocks: either one text split by a fraction ({@link
 * #split}: the first {@code 1 − validationFraction} of the tokens train, the rest validate,
 * contiguous, so no validation text leaks into training blocks), or a dataset's own split ({@link
 * #ofSplits}). The tokens may lie in memory or in a mapped {@link TokenFile}.
 */
public record TextDataset(TokenBlocks train, TokenBlocks validation) {
    public static TextDataset split(int[] tokens, int blockLength, double validationFraction) {
        return split(TokenSequence.of(tokens), blockLength, validationFraction);
    }

    public static TextDataset split(
            TokenSequence tokens, int blockLength, double validationFraction) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in (0, 1), got " + validationFraction);
        }
        long cut = Math.round(tokens.length() * (1 - validationFraction));
        TokenSequence train = tokens.slice(0, cut);
        TokenSequence validation = tokens.slice(cut, tokens.length());
        if (validation.length() < blockLength + 1L || train.length() < blockLength + 1L) {
            throw new IllegalArgumentException(
                    "text of "
                            + tokens.length()
                            + " tokens is too short to hold one block of "
                            + blockLength
                            + " tokens in both the training and the validation split; use a longer text or a"
                            + " shorter --seq-len");
        }
        return new TextDataset(
                new TokenBlocks(train, blockLength), new TokenBlocks(validation, blockLength));
    }

    /** A dataset's own split: training blocks from its train text, validation from validation. */
    public static TextDataset ofSplits(int[] trainTokens, int[] validationTokens, int blockLength) {
        return ofSplits(
                TokenSequence.of(trainTokens), TokenSequence.of(validationTokens), blockLength);
    }

    /** A dataset's own split: training blocks from its train text, validation from validation. */
    public static TextDataset ofSplits(
            TokenSequence train, TokenSequence validation, int blockLength) {
        for (TokenSequence part : new TokenSequence[] {train, validation}) {
            if (part.length() < blockLength + 1L) {
                throw new IllegalArgumentException(
                        "the dataset's "
                                + (part == train ? "training" : "validation")
                                + " split of "
                                + part.length()
                                + " tokens is too short to hold one block of "
                                + blockLength
                                + " tokens; use a shorter --seq-len");
            }
        }
        return new TextDataset(
                new TokenBlocks(train, blockLength), new TokenBlocks(validation, blockLength));
    }
}
