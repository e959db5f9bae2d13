package ai.sentinel.eval;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Repetition measures of id sequences (tokens, or the word units of {@link WordUnits}), pure
 * functions with no model. An n-gram is n consecutive ids of one sequence; n-grams never cross from
 * one sequence into the next.
 *
 * <ul>
 *   <li>seq-rep-n (Welleck et al. 2020, "Neural text generation with unlikelihood training"):
 *       {@code 1 − |unique n-grams| / |n-grams|} of one sequence, the share of its n-grams that
 *       repeat an earlier n-gram of the same sequence.
 *   <li>distinct-n (Li et al. 2016, "A diversity-promoting objective function for neural
 *       conversation models"): {@code |unique n-grams| / |n-grams|}, pooled over all the sequences
 *       given, as Li et al. count over all generated responses.
 *   <li>longest repeat: the length of the longest span that occurs at least twice in one sequence,
 *       the occurrences allowed to overlap. A loop of period p over m ids scores m − p, prose a few
 *       ids, so this catches looping of any period, where a fixed n would miss long periods.
 * </ul>
 */
public final class Repetition {
    private Repetition() {}

    /** seq-rep-n of one sequence, in [0, 1]; 0 when it has fewer than n ids (nothing repeats). */
    public static double seqRep(int[] ids, int n) {
        requirePositive(n);
        int total = ngramCount(ids, n);
        return total == 0 ? 0 : 1 - (double) uniqueNgrams(List.of(ids), n).size() / total;
    }

    /**
     * distinct-n pooled over the sequences, in (0, 1]; 1 when they hold no n-gram at all (nothing
     * repeats).
     */
    public static double distinct(List<int[]> sequences, int n) {
        requirePositive(n);
        int total = sequences.stream().mapToInt(ids -> ngramCount(ids, n)).sum();
        return total == 0 ? 1 : (double) uniqueNgrams(sequences, n).size() / total;
    }

    /**
     * The length of the longest span that occurs at least twice in {@code ids} (overlap allowed), 0
     * when no id repeats. For each shift p, a run of positions t with {@code ids[t] == ids[t − p]}
     * is a span equal to the span p positions earlier; the answer is the longest such run, O(n²).
     */
    public static int longestRepeat(int[] ids) {
        int longest = 0;
        for (int shift = 1; shift < ids.length; shift++) {
            int run = 0;
            for (int t = shift; t < ids.length; t++) {
                run = ids[t] == ids[t - shift] ? run + 1 : 0;
                longest = Math.max(longest, run);
            }
        }
        return longest;
    }

    private static int ngramCount(int[] ids, int n) {
        return Math.max(0, ids.length - n + 1);
    }

    private static Set<List<Integer>> uniqueNgrams(List<int[]> sequences, int n) {
        Set<List<Integer>> unique = new HashSet<>();
        for (int[] ids : sequences) {
            for (int i = 0; i + n <= ids.length; i++) {
                unique.add(Arrays.stream(ids, i, i + n).boxed().toList());
            }
        }
        return unique;
    }

    private static void requirePositive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n-grams need n >= 1, got " + n);
        }
    }
}
