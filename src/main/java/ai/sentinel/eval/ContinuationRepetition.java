package ai.sentinel.eval;

import java.util.List;

/**
 * The repetition measures of one continuation (see {@link Repetition}).
 *
 * @param length the continuation's length in ids
 * @param seqRep4 seq-rep-4, in [0, 1]
 * @param distinct2 distinct-2 of this continuation alone, in (0, 1]
 * @param longestRepeat the longest span occurring twice, in ids
 */
public record ContinuationRepetition(
        int length, double seqRep4, double distinct2, int longestRepeat) {
    public static ContinuationRepetition of(int[] ids) {
        return new ContinuationRepetition(
                ids.length,
                Repetition.seqRep(ids, 4),
                Repetition.distinct(List.of(ids), 2),
                Repetition.longestRepeat(ids));
    }

    /** The longest repeat as a share of the continuation, in [0, 1); 0 for an empty one. */
    public double longestRepeatFraction() {
        return length == 0 ? 0 : (double) longestRepeat / length;
    }
}
