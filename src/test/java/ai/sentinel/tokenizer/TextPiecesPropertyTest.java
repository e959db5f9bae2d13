package ai.sentinel.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.Fixtures;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/** Any text, cut anywhere the rule allows: nothing lost, nothing split, GPT-2's ids unchanged. */
class TextPiecesPropertyTest {
    private static final HfTokenizer GPT2 = load();

    private static HfTokenizer load() {
        try {
            return HfTokenizer.load(Fixtures.gpt2Tokenizer());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Cuts compared: the property must not pass by comparing none. */
    private static final java.util.concurrent.atomic.AtomicInteger COMPARED_CUTS =
            new java.util.concurrent.atomic.AtomicInteger();

    @AfterContainer
    static void close() {
        GPT2.close();
        assertTrue(COMPARED_CUTS.get() >= 300, "only " + COMPARED_CUTS.get() + " cuts compared");
    }

    /** Letters, digits, punctuation, every kind of whitespace, accents, CJK and an emoji. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> units =
                Arbitraries.of(
                        "a",
                        "Z",
                        "é",
                        "日",
                        "7",
                        "0",
                        " ",
                        "  ",
                        "\n",
                        "\n\n",
                        "\t",
                        "\r\n",
                        "\u3000",
                        "\u00a0",
                        ".",
                        ",",
                        "'s",
                        "'",
                        "!?",
                        "-",
                        "\uD83D\uDE00",
                        "word",
                        " the",
                        "12");
        return units.list().ofMaxSize(300).map(parts -> String.join("", parts));
    }

    private static List<String> cut(String text, int maxChars) throws IOException {
        List<String> pieces = new ArrayList<>();
        TextPieces cutter = new TextPieces(pieces::add, maxChars);
        cutter.append(text);
        cutter.finish();
        return pieces;
    }

    @Property(tries = 300, seed = FuzzSeed.SEED)
    void piecesJoinToTheTextWithinTheLimitAndKeepSurrogatePairs(
            @ForAll("texts") String text, @ForAll @IntRange(min = 2, max = 40) int maxChars)
            throws IOException {
        List<String> pieces = cut(text, maxChars);
        assertEquals(text, String.join("", pieces));
        for (String piece : pieces) {
            assertTrue(!piece.isEmpty() && piece.length() <= maxChars, piece);
            assertFalse(Character.isHighSurrogate(piece.charAt(piece.length() - 1)), piece);
        }
    }

    /** A place {@link TextPieces} prefers: between a letter or digit and a space or newline. */
    private static boolean isWordEnd(String text, int i) {
        char next = text.charAt(i);
        return Character.isLetterOrDigit(text.charAt(i - 1)) && (next == ' ' || next == '\n');
    }

    @Property(tries = 300, seed = FuzzSeed.SEED)
    void piecesEndAtAWordEndOrAtTheLimit(
            @ForAll("texts") String text, @ForAll @IntRange(min = 2, max = 40) int maxChars)
            throws IOException {
        List<String> pieces = cut(text, maxChars);
        int at = 0;
        for (String piece : pieces.subList(0, Math.max(0, pieces.size() - 1))) {
            at += piece.length();
            assertTrue(isWordEnd(text, at) || piece.length() >= maxChars - 1, piece);
        }
    }

    /** Cutting at any word end leaves GPT-2's ids exactly the whole text's. */
    @Property(tries = 300, seed = FuzzSeed.SEED)
    void gpt2IdsOfTheTwoSidesOfAnyWordEndEqualTheWholeTexts(@ForAll("texts") String text) {
        int[] whole = GPT2.encode(text);
        for (int i = 1; i < text.length(); i++) {
            if (isWordEnd(text, i)) {
                COMPARED_CUTS.incrementAndGet();
                int[] joined =
                        IntStream.concat(
                                        IntStream.of(GPT2.encode(text.substring(0, i))),
                                        IntStream.of(GPT2.encode(text.substring(i))))
                                .toArray();
                assertArrayEquals(whole, joined, "cut at " + i + " of " + text);
            }
        }
    }
}
