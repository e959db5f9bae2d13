package ai.sentinel.tokenizer;

import java.io.IOException;

/**
 * Cuts a stream of text into pieces of at most {@link #MAX_CHARS} characters, so that no call into
 * the native tokenizer sees more (a 50 MB line once aborted the JVM inside it, and it holds ~380
 * bytes per input byte while it works).
 *
 * <p>A piece ends, where it can, just before a space or newline that follows a letter or digit:
 * byte-level BPE pre-tokenizers (GPT-2's, Llama 3's, Qwen's) split there whatever follows, so the
 * pieces' tokens joined are exactly the whole text's tokens (tested on GPT-2's tokenizer). Where a
 * run of {@code MAX_CHARS} characters has no such place, it is cut at the limit (never inside a
 * surrogate pair), and the tokens at that one seam may differ from the whole text's. Tokenizers
 * that mark the start of every input (SentencePiece's prepended "▁") add one such token per piece,
 * about one in 16,000.
 */
public final class TextPieces {
    /** Pieces are cut at the last good place before this many characters. */
    public static final int MAX_CHARS = 1 << 16;

    /** Receives each piece in order. */
    @FunctionalInterface
    public interface Sink {
        void piece(String text) throws IOException;
    }

    private final Sink sink;
    private final int maxChars;
    private final StringBuilder pending = new StringBuilder();

    public TextPieces(Sink sink) {
        this(sink, MAX_CHARS);
    }

    TextPieces(Sink sink, int maxChars) {
        if (maxChars < 2) {
            throw new IllegalArgumentException("pieces need at least 2 characters");
        }
        this.sink = sink;
        this.maxChars = maxChars;
    }

    public void append(CharSequence text) throws IOException {
        append(text, 0, text.length());
    }

    public void append(CharSequence text, int from, int to) throws IOException {
        int at = from;
        while (at < to) {
            int take = Math.min(to - at, maxChars - pending.length());
            pending.append(text, at, at + take);
            at += take;
            if (pending.length() == maxChars) {
                emit(cutPoint());
            }
        }
    }

    public void append(char[] chars, int from, int length) throws IOException {
        append(java.nio.CharBuffer.wrap(chars, from, length));
    }

    /** Sends what is left. */
    public void finish() throws IOException {
        if (pending.length() > 0) {
            emit(pending.length());
        }
    }

    private int cutPoint() {
        for (int i = pending.length() - 1; i > 0; i--) {
            char c = pending.charAt(i);
            if ((c == ' ' || c == '\n') && Character.isLetterOrDigit(pending.charAt(i - 1))) {
                return i;
            }
        }
        int cut = pending.length();
        return Character.isHighSurrogate(pending.charAt(cut - 1)) ? cut - 1 : cut;
    }

    private void emit(int cut) throws IOException {
        String piece = pending.substring(0, cut);
        pending.delete(0, cut);
        sink.piece(piece);
    }
}
