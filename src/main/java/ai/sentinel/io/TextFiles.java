package ai.sentinel.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a whole text file in a given encoding, refusing bytes that are not valid in it with a
 * message that names the file and the byte offset (a decoder's own message is "Input length = 1").
 */
public final class TextFiles {
    private TextFiles() {}

    /** A file whose bytes are not text in the encoding it was read in. */
    public static final class NotTextException extends IOException {
        NotTextException(String message) {
            super(message);
        }
    }

    /**
     * The text of {@code file}; bytes that are not {@code encoding} are a {@link NotTextException}
     * ending in {@code hint} (what the file should be, or what to do), never replaced silently.
     */
    public static String read(Path file, Charset encoding, String hint) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        CharsetDecoder decoder =
                encoding.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        long capacity = (long) Math.ceil(bytes.remaining() * (double) decoder.maxCharsPerByte());
        CharBuffer chars = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, capacity));
        CoderResult result = decoder.decode(bytes, chars, true);
        if (result.isUnderflow()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            throw new NotTextException(
                    file
                            + " is not "
                            + encoding.name()
                            + " text: "
                            + (result.isMalformed()
                                    ? "an invalid " + encoding.name() + " byte sequence"
                                    : "a character " + encoding.name() + " cannot represent")
                            + (bytes.hasRemaining()
                                    ? String.format(" (0x%02x)", bytes.get(bytes.position()))
                                    : "")
                            + " at byte offset "
                            + bytes.position()
                            + "; "
                            + hint);
        }
        return chars.flip().toString();
    }
}
