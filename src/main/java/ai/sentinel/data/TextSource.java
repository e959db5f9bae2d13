package ai.sentinel.data;

import ai.sentinel.tokenizer.TextPieces;
import java.io.IOException;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Where a dataset's text comes from, read as a stream: a corpus of any size passes through in
 * bounded pieces ({@link TextPieces}) and is never held whole.
 */
public interface TextSource {
    /** Where the text comes from, for logs and run configurations. */
    String describe();

    /** The bytes {@link #feed} reads, for a progress bar. */
    long sizeBytes();

    /**
     * What makes this text what it is, for the token cache: the files' real paths, sizes and
     * modification times, and how they are read. Empty for text that lives in memory (tokenised
     * each time, nothing cached).
     */
    Optional<String> fingerprint() throws IOException;

    /**
     * Sends the whole text in order to {@code pieces} (without finishing it), telling {@code
     * bytesRead} how many of {@link #sizeBytes} have been read so far.
     */
    void feed(TextPieces pieces, LongConsumer bytesRead) throws IOException;

    /** The whole text as one string: for small texts and tests only. */
    default String readAll() throws IOException {
        StringBuilder text = new StringBuilder();
        TextPieces pieces = new TextPieces(text::append);
        feed(pieces, done -> {});
        pieces.finish();
        return text.toString();
    }

    /** Text already in memory (the built-in corpora). */
    static TextSource of(String description, String text) {
        return new TextSource() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public long sizeBytes() {
                return text.length();
            }

            @Override
            public Optional<String> fingerprint() {
                return Optional.empty();
            }

            @Override
            public void feed(TextPieces pieces, LongConsumer bytesRead) throws IOException {
                for (int at = 0; at < text.length(); at += TextPieces.MAX_CHARS) {
                    int to = Math.min(text.length(), at + TextPieces.MAX_CHARS);
                    pieces.append(text, at, to);
                    bytesRead.accept(to);
                }
            }
        };
    }
}
