package ai.sentinel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepetitionTest {
    @Test
    void seqRep4CountsFourGramsThatRepeatAnEarlierOne() {
        // 4-grams 1234 2341 3412 4123 1234 2345: six, five unique -> 1 - 5/6
        assertEquals(1 / 6.0, Repetition.seqRep(new int[] {1, 2, 3, 4, 1, 2, 3, 4, 5}, 4), 1e-12);
        // 2-grams 77 77 77: three, one unique -> 1 - 1/3
        assertEquals(2 / 3.0, Repetition.seqRep(new int[] {7, 7, 7, 7}, 2), 1e-12);
        assertEquals(0, Repetition.seqRep(new int[] {1, 2, 3, 4, 5, 6}, 4));
        assertEquals(0, Repetition.seqRep(new int[] {1, 1, 1}, 4)); // no 4-gram at all
    }

    @Test
    void distinct2IsUniqueOverAllBigramsPooledWithoutCrossingSequences() {
        // 12 21 12 23: four, three unique
        assertEquals(3 / 4.0, Repetition.distinct(List.of(new int[] {1, 2, 1, 2, 3}), 2), 1e-12);
        // 12 23 | 12: the pair 3,1 across the boundary is no bigram; three, two unique
        assertEquals(
                2 / 3.0,
                Repetition.distinct(List.of(new int[] {1, 2, 3}, new int[] {1, 2}), 2),
                1e-12);
        assertEquals(1, Repetition.distinct(List.of(new int[] {4}), 2));
        assertEquals(1 / 5.0, Repetition.distinct(List.of(new int[] {9, 9, 9, 9, 9}), 1), 1e-12);
    }

    @Test
    void longestRepeatIsTheLongestSpanThatOccursTwiceOverlapAllowed() {
        assertEquals(
                4, Repetition.longestRepeat(new int[] {1, 2, 3, 1, 2, 3, 1})); // 1231 at 0 and 3
        assertEquals(3, Repetition.longestRepeat(new int[] {5, 5, 5, 5}));
        assertEquals(
                2, Repetition.longestRepeat(new int[] {8, 1, 2, 9, 9, 1, 2, 7})); // not adjacent
        assertEquals(0, Repetition.longestRepeat(new int[] {1, 2, 3, 4}));
        assertEquals(0, Repetition.longestRepeat(new int[] {}));
    }

    @Test
    void nGramsNeedAPositiveN() {
        assertThrows(IllegalArgumentException.class, () -> Repetition.seqRep(new int[] {1}, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> Repetition.distinct(List.of(new int[] {1}), 0));
    }
}
