package ai.sentinel.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/** Text to token ids and back. */
public interface Tokenizer {
    /**
     * The ids of {@code text} alone, for training and evaluation text (a stream of documents, no
     * markers).
     */
    int[] encode(String text);

    /**
     * The ids of each text, as {@link #encode} gives them; a tokenizer may encode them in parallel.
     */
    default int[][] encodeAll(List<String> texts) {
        return texts.stream().map(this::encode).toArray(int[][]::new);
    }

    /**
     * The ids of a prompt as the model saw inputs in training: with the special tokens the
     * tokenizer's post-processor adds ({@code <s>} before Llama prompts, {@code </s>} before OPT's;
     * none for GPT-2).
     */
    default int[] encodePrompt(String text) {
        return encode(text);
    }

    String decode(int[] ids);

    int vocabSize();

    /**
     * What identifies this tokenizer's mapping from text to ids (a digest of its {@code
     * tokenizer.json}): two tokenizers with the same fingerprint give the same ids, so cached
     * tokens can be reused.
     */
    String fingerprint();

    /** The end-of-text id, if the vocabulary has one. */
    OptionalInt endOfText();

    /**
     * Writes {@code tokenizer.json} (loadable by HF's {@code PreTrainedTokenizerFast}) into {@code
     * folder}.
     */
    void save(Path folder) throws IOException;
}
