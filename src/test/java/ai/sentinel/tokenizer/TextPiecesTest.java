package ai.sentinel.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.data.EuroparlCorpus;
import ai.sentinel.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TextPiecesTest {
    private static List<String> cut(String text, int maxChars, int appendSize) throws IOException {
        List<String> pieces = new ArrayList<>();
        TextPieces cutter = new TextPieces(pieces::add, maxChars);
        for (int at = 0; at < text.length(); at += appendSize) {
            cutter.append(text, at, Math.min(text.length(), at + appendSize));
        }
        cutter.finish();
        return pieces;
    }

    @Test
    void piecesAreBoundedAndJoinToTheText() throws IOException {
        String text = Fixtures.shakespeare();
        for (int appendSize : new int[] {1, 7, 1000, text.length()}) {
            List<String> pieces = cut(text.substring(0, 20_000), 256, appendSize);
            assertEquals(text.substring(0, 20_000), String.join("", pieces));
            assertTrue(pieces.stream().allMatch(p -> p.length() <= 256));
            assertTrue(pieces.size() > 20_000 / 256, "pieces: " + pieces.size());
        }
    }

    @Test
    void aPieceEndsBeforeWhitespaceThatFollowsALetterOrDigit() throws IOException {
        for (String piece : cut("one two\nthree  four, five6 seven".repeat(50), 40, 13)) {
            char after = piece.charAt(piece.length() - 1);
            assertTrue(Character.isLetterOrDigit(after), "piece ends with '" + after + "'");
        }
    }

    @Test
    void textWithoutWhitespaceIsCutAtTheLimitButNeverInsideASurrogatePair() throws IOException {
        String emoji = "\uD83D\uDE00";
        String text = "x" + emoji.repeat(1000); // the pair straddles every even limit
        List<String> pieces = cut(text, 64, 5);
        assertEquals(text, String.join("", pieces));
        for (String piece : pieces) {
            assertTrue(piece.length() <= 64);
            assertFalse(Character.isHighSurrogate(piece.charAt(piece.length() - 1)));
            assertFalse(Character.isLowSurrogate(piece.charAt(0)));
        }
    }

    /** Byte-level BPE splits before whitespace after a word: tokens joined equal the whole's. */
    @Test
    void gpt2TokensOfThePiecesEqualTheTokensOfTheWholeText() throws IOException {
        String shakespeare = Fixtures.shakespeare(60_000);
        String europarl = EuroparlCorpus.englishText().substring(0, 60_000);
        String awkward =
                "a\n\n\nb  c\t\td\r\n e's 12 345 ... ?!  \n  x y\u3000z ü ñ 日本 \uD83D\uDE00 ";
        try (HfTokenizer gpt2 = HfTokenizer.load(Fixtures.gpt2Tokenizer())) {
            for (String text : List.of(shakespeare, europarl, awkward.repeat(400))) {
                List<String> pieces = cut(text, 97, 1000);
                int[] joined =
                        pieces.stream().flatMapToInt(p -> IntStream.of(gpt2.encode(p))).toArray();
                assertArrayEquals(gpt2.encode(text), joined);
            }
        }
    }

    /** A long text given to the tokenizer directly is cut too, with the same ids. */
    @Test
    void aLongTextGoesToTheNativeLibraryInPiecesWithTheSameIds() throws IOException {
        String text = Fixtures.shakespeare(3 * TextPieces.MAX_CHARS);
        try (HfTokenizer gpt2 = HfTokenizer.load(Fixtures.gpt2Tokenizer())) {
            List<String> pieces = new ArrayList<>();
            TextPieces cutter = new TextPieces(pieces::add);
            cutter.append(text);
            cutter.finish();
            assertTrue(pieces.size() >= 3);
            int[] joined =
                    pieces.stream().flatMapToInt(p -> IntStream.of(gpt2.encode(p))).toArray();
            assertArrayEquals(joined, gpt2.encode(text));
            assertThrows(IllegalArgumentException.class, () -> gpt2.encodePrompt(text));
        }
    }
}
