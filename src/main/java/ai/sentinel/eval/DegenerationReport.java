package ai.sentinel.eval;

import java.util.List;

/**
 * How repetitive a set of continuations is, as one score (docs/DEGENERATION.md):
 *
 * <pre>
 *   score = 10 × (seq-rep-4 + (1 − distinct-2) + longest-repeat fraction) / 3
 * </pre>
 *
 * where seq-rep-4 is the mean over continuations of {@link Repetition#seqRep} with n = 4,
 * distinct-2 is {@link Repetition#distinct} with n = 2 pooled over all continuations, and the
 * longest-repeat fraction is the mean over continuations of {@link Repetition#longestRepeat}
 * divided by the continuation's length. Each of the three terms is a share of the text that is
 * repetition, so the score is ten times their mean, from 0 to 10: ordinary prose scores below 1
 * (its n-grams rarely repeat, its longest repeat is a phrase), a text that loops scores 8 to 10,
 * and {@link #DEFAULT_LIMIT} 3.0 means that on average 30% of the text repeats itself.
 *
 * @param continuations the measures of each continuation, in order
 * @param seqRep4 mean seq-rep-4 over continuations
 * @param distinct2 distinct-2 pooled over continuations
 * @param longestRepeatFraction mean longest-repeat fraction over continuations
 * @param score the combined score, in [0, 10]
 */
public record DegenerationReport(
        List<ContinuationRepetition> continuations,
        double seqRep4,
        double distinct2,
        double longestRepeatFraction,
        double score) {
    /** The formula, as the upgrade summary prints it. */
    public static final String FORMULA =
            "10 × (seq-rep-4 + (1 − distinct-2) + longest-repeat fraction) / 3";

    /**
     * The original's absolute limit, a text of which 30% repeats itself on average. The upgrade now
     * judges the rise over the model's own baseline and has no absolute ceiling unless asked.
     */
    public static final double DEFAULT_LIMIT = 3.0;

    public DegenerationReport {
        continuations = List.copyOf(continuations);
    }

    /** Measures continuations given as ids (tokens or word units); at least one is needed. */
    public static DegenerationReport of(List<int[]> continuations) {
        if (continuations.isEmpty()) {
            throw new IllegalArgumentException("degeneration needs at least one continuation");
        }
        List<ContinuationRepetition> each =
                continuations.stream().map(ContinuationRepetition::of).toList();
        double seqRep4 =
                each.stream().mapToDouble(ContinuationRepetition::seqRep4).average().orElseThrow();
        double distinct2 = Repetition.distinct(continuations, 2);
        double longest =
                each.stream()
                        .mapToDouble(ContinuationRepetition::longestRepeatFraction)
                        .average()
                        .orElseThrow();
        return new DegenerationReport(
                each, seqRep4, distinct2, longest, score(seqRep4, distinct2, longest));
    }

    /** The combined score of the three aggregate measures (see the class comment). */
    public static double score(double seqRep4, double distinct2, double longestRepeatFraction) {
        return 10 * (seqRep4 + (1 - distinct2) + longestRepeatFraction) / 3;
    }

    /** Whether the score is above {@code limit} (a cycle over it is rolled back). */
    public boolean exceeds(double limit) {
        return score > limit;
    }
}
