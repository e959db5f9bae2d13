package ai.sentinel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.data.EuroparlCorpus;
import ai.sentinel.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DegenerationReportTest {
    private static final int CONTINUATIONS = 8;
    private static final int UNITS = 64; // about what 128 BPE tokens decode to

    private static String text; // the built-in Europarl English
    private static int[] prose; // the same, as word units
    private static WordUnits units;

    @BeforeAll
    static void readProse() throws IOException {
        units = new WordUnits();
        text = EuroparlCorpus.englishText();
        prose = units.ids(text);
    }

    @Test
    void aPlantedLoopScoresFarAboveTheLimit() {
        List<int[]> loops = new ArrayList<>();
        for (int i = 0; i < CONTINUATIONS; i++) {
            loops.add(loop("the cat sat on the mat", UNITS));
        }
        DegenerationReport report = DegenerationReport.of(loops);
        // 64 units of period 6: 6 of the 61 4-grams are unique, 6 bigrams of 8 × 63, and all but
        // the first period repeats the span 6 units earlier
        assertEquals(1 - 6 / 61.0, report.seqRep4(), 1e-12);
        assertEquals(6 / (8 * 63.0), report.distinct2(), 1e-12);
        assertEquals(58 / 64.0, report.longestRepeatFraction(), 1e-12);
        assertTrue(report.score() > 8, "score " + report.score());
        assertTrue(report.exceeds(DegenerationReport.DEFAULT_LIMIT));
    }

    @Test
    void ordinaryProseScoresBelowOneEverywhereInTheCorpus() {
        double worst = 0;
        for (int set = 0; set < 50; set++) {
            DegenerationReport report = DegenerationReport.of(proseWindows(set));
            worst = Math.max(worst, report.score());
        }
        assertTrue(worst < 1.0, "worst prose score " + worst);
        assertTrue(worst > 0.1, "prose is not free of repetition: " + worst); // the test can fail
    }

    @Test
    void proseThatFallsIntoALoopHalfwayCrossesTheLimit() {
        List<int[]> halfLoops = new ArrayList<>();
        List<int[]> windows = proseWindows(3);
        for (int i = 0; i < CONTINUATIONS; i++) {
            int[] start = Arrays.copyOf(windows.get(i), UNITS / 2);
            int[] tail = loop("and the committee said that", UNITS / 2);
            int[] joined = Arrays.copyOf(start, UNITS);
            System.arraycopy(tail, 0, joined, UNITS / 2, UNITS / 2);
            halfLoops.add(joined);
        }
        double score = DegenerationReport.of(halfLoops).score();
        assertTrue(score > DegenerationReport.DEFAULT_LIMIT, "score " + score);
    }

    @Test
    void onceRepeatedSentenceStaysUnderTheLimit() {
        List<int[]> echoes = new ArrayList<>();
        for (int[] window : proseWindows(5)) {
            int[] echoed = Arrays.copyOf(window, UNITS);
            System.arraycopy(window, 0, echoed, UNITS - 10, 10); // its first 10 units again
            echoes.add(echoed);
        }
        double score = DegenerationReport.of(echoes).score();
        assertTrue(score > 0.5 && score < DegenerationReport.DEFAULT_LIMIT, "score " + score);
    }

    @Test
    void byteTokensOfProseRepeatTooOftenWhichIsWhyTheProbeMeasuresWordUnits() {
        ByteTokenizer bytes = new ByteTokenizer();
        List<int[]> asBytes = new ArrayList<>();
        List<int[]> asWords = new ArrayList<>();
        WordUnits fresh = new WordUnits();
        for (int i = 0; i < CONTINUATIONS; i++) {
            // about 64 words of text from spread-out places
            String paragraph = text.substring(i * text.length() / 9, i * text.length() / 9 + 350);
            asBytes.add(bytes.encode(paragraph));
            asWords.add(fresh.ids(paragraph));
        }
        // measured: 3.3 on bytes (over the default limit), 0.35 on words
        double byteScore = DegenerationReport.of(asBytes).score();
        double wordScore = DegenerationReport.of(asWords).score();
        assertTrue(
                byteScore > 2.0 && wordScore < 1.0,
                byteScore + " on bytes, " + wordScore + " on words");
    }

    @Test
    void theScoreIsTheFormulaOfTheDocs() {
        assertEquals(10 * (0.2 + 0.3 + 0.1) / 3, DegenerationReport.score(0.2, 0.7, 0.1), 1e-12);
        assertEquals(0, DegenerationReport.score(0, 1, 0));
        assertEquals(10, DegenerationReport.score(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> DegenerationReport.of(List.of()));
    }

    /** Eight windows of prose from spread-out places in the corpus, one set per {@code set}. */
    private static List<int[]> proseWindows(int set) {
        List<int[]> windows = new ArrayList<>();
        for (int i = 0; i < CONTINUATIONS; i++) {
            windows.add(slice(set * CONTINUATIONS + i));
        }
        return windows;
    }

    private static int[] slice(int index) {
        int stride = (prose.length - UNITS) / 1000; // 1000 windows evenly over the corpus
        return Arrays.copyOfRange(prose, index * stride, index * stride + UNITS);
    }

    private static int[] loop(String phrase, int length) {
        int[] period = units.ids(phrase);
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = period[i % period.length];
        }
        return out;
    }
}
