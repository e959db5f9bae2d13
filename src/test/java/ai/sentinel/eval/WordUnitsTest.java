package ai.sentinel.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class WordUnitsTest {
    @Test
    void unitsAreLetterRunsDigitRunsAndSingleMarksNumberedConsistently() {
        WordUnits units = new WordUnits();
        // the , cat sat ; 42 ! the cat
        assertArrayEquals(
                new int[] {0, 1, 2, 3, 4, 5, 6, 0, 2}, units.ids("the, cat  sat;\n42!the cat"));
        assertArrayEquals(new int[] {2, 0}, units.ids("cat the")); // same numbers on a later call
    }

    @Test
    void aLoopWithoutSpacesStillGivesRepeatedUnits() {
        int[] ids = new WordUnits().ids("ab".repeat(40)); // 80 letters: five pieces of 16
        assertArrayEquals(new int[] {0, 0, 0, 0, 0}, ids);
    }
}
