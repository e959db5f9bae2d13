package ai.sentinel.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.sentinel.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
    private static final String PARAGRAPH =
            "First Citizen:\nBefore we proceed any further, hear me speak.\n\n"
                    + "All:\nSpeak, speak.  Tabs\tand üñíçødé — “quotes” 123,456 <|endoftext|>";

    private static Path gpt2() {
        return Fixtures.gpt2Tokenizer();
    }

    @Test
    void gpt2EncodesHelloWorldAsInPython() throws IOException {
        try (HfTokenizer tokenizer = HfTokenizer.load(gpt2())) {
            assertArrayEquals(new int[] {15496, 995}, tokenizer.encode("Hello world"));
            assertEquals(50257, tokenizer.vocabSize());
            assertEquals(50256, tokenizer.endOfText().getAsInt());
        }
    }

    @Test
    void gpt2RoundTripsAParagraphWithoutTruncationOrPadding() throws IOException {
        String longText = PARAGRAPH.repeat(40); // well over DJL's default truncation at 512 tokens
        try (HfTokenizer tokenizer = HfTokenizer.load(gpt2())) {
            int[] ids = tokenizer.encode(longText);
            assertEquals(longText, tokenizer.decode(ids));
            assertEquals(40 * tokenizer.encode(PARAGRAPH).length, ids.length);
        }
    }

    @Test
    void assembledFromVocabAndMergesEncodesLikeTheShippedTokenizerJson() throws IOException {
        String text = Fixtures.shakespeare(20000) + PARAGRAPH;
        try (HfTokenizer shipped = HfTokenizer.load(gpt2().resolve("tokenizer.json"));
                HfTokenizer assembled =
                        HfTokenizer.fromVocabAndMerges(
                                gpt2().resolve("vocab.json"), gpt2().resolve("merges.txt"))) {
            assertArrayEquals(shipped.encode(text), assembled.encode(text));
            assertEquals(shipped.endOfText(), assembled.endOfText());
        }
    }

    @Test
    void byteTokenizerSavesAsAnEquivalentTokenizerJson(@TempDir Path dir) throws IOException {
        ByteTokenizer bytes = new ByteTokenizer();
        bytes.save(dir);
        try (HfTokenizer reloaded = HfTokenizer.load(dir)) {
            assertArrayEquals(bytes.encode(PARAGRAPH), reloaded.encode(PARAGRAPH));
            assertEquals(PARAGRAPH, reloaded.decode(bytes.encode(PARAGRAPH)));
            assertEquals(256, reloaded.vocabSize());
        }
        assertEquals(PARAGRAPH, bytes.decode(bytes.encode(PARAGRAPH)));
    }
}
