package ai.sentinel.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Text to token ids and back. */
public interface Tokenizer {
    int[] encode(String text);

    String decode(int[] ids);

    int vocabSize();

    /** The end-of-text id, if the vocabulary has one. */
    OptionalInt endOfText();

    /** Writes {@code tokenizer.json} (loadable by HF's {@code PreTrainedTokenizerFast}) into {@code folder}. */
    void save(Path folder) throws IOException;
}
