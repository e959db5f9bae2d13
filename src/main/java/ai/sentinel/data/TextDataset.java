package ai.sentinel.data;

import java.util.Arrays;
import java.util.List;

/**
 * Tokenised text as training and validation blocks: either one text split by a fraction ({@link
 * #split}: the first {@code 1 − validationFraction} of the tokens train, the rest validate,
 * contiguous, so no validation text leaks into training blocks), or a dataset's own split ({@link
 * #ofSplits}).
 */
public record TextDataset(TokenBlocks train, TokenBlocks validation) {
    public static TextDataset split(int[] tokens, int blockLength, double validationFraction) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in (0, 1), got " + validationFraction);
        }
        int cut = (int) Math.round(tokens.length * (1 - validationFraction));
        int[] trainTokens = Arrays.copyOfRange(tokens, 0, cut);
        int[] validationTokens = Arrays.copyOfRange(tokens, cut, tokens.length);
        if (validationTokens.length < blockLength + 1 || trainTokens.length < blockLength + 1) {
            throw new IllegalArgumentException(
                    "text of "
                            + tokens.length
                            + " tokens is too short to hold one block of "
                            + blockLength
                            + " tokens in both the training and the validation split; use a longer text or a"
                            + " shorter --seq-len");
        }
        return new TextDataset(
                new TokenBlocks(trainTokens, blockLength),
                new TokenBlocks(validationTokens, blockLength));
    }

    /** A dataset's own split: training blocks from its train text, validation from validation. */
    public static TextDataset ofSplits(int[] trainTokens, int[] validationTokens, int blockLength) {
        for (int[] part : List.of(trainTokens, validationTokens)) {
            if (part.length < blockLength + 1) {
                throw new IllegalArgumentException(
                        "the dataset's "
                                + (part == trainTokens ? "training" : "validation")
                                + " split of "
                                + part.length
                                + " tokens is too short to hold one block of "
                                + blockLength
                                + " tokens; use a shorter --seq-len");
            }
        }
        return new TextDataset(
                new TokenBlocks(trainTokens, blockLength),
                new TokenBlocks(validationTokens, blockLength));
    }
}
