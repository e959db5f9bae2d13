package ai.sentinel.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * Decodes a text file a megabyte at a time; a byte sequence that is not valid in the encoding is an
 * error naming the file and its byte offset (never silently replaced).
 */
final class StrictDecoder {
    private static final int CHUNK = 1 << 20;

    /** Receives decoded characters. */
    @FunctionalInterface
    interface Chars {
        void chars(CharBuffer chars) throws IOException;
    }

    private StrictDecoder() {}

    /**
     * Decodes {@code file}, passing its characters on in order and telling {@code bytesRead} the
     * file's bytes read so far.
     */
    static void decode(Path file, Charset encoding, Chars out, LongConsumer bytesRead)
            throws IOException {
        CharsetDecoder decoder =
                encoding.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK);
        CharBuffer chars = CharBuffer.allocate(CHUNK);
        long consumedBefore = 0; // bytes of the file that precede bytes' content
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            boolean end = false;
            while (!end) {
                end = channel.read(bytes) < 0;
                bytes.flip();
                int start = bytes.position();
                CoderResult result = decoder.decode(bytes, chars, end);
                while (result.isOverflow()) {
                    passOn(chars, out);
                    result = decoder.decode(bytes, chars, end);
                }
                if (!result.isError() && end) {
                    result = decoder.flush(chars);
                }
                if (result.isError()) {
                    throw notText(file, encoding, result, consumedBefore + bytes.position());
                }
                passOn(chars, out);
                consumedBefore += bytes.position() - start;
                bytes.compact();
                bytesRead.accept(consumedBefore);
            }
        }
    }

    private static void passOn(CharBuffer chars, Chars out) throws IOException {
        chars.flip();
        if (chars.hasRemaining()) {
            out.chars(chars);
        }
        chars.clear();
    }

    private static IOException notText(
            Path file, Charset encoding, CoderResult result, long offset) {
        String cause =
                result.isMalformed()
                        ? "an invalid " + encoding.name() + " byte sequence"
                        : "a character " + encoding.name() + " cannot represent";
        return new IOException(
                file
                        + " is not "
                        + encoding.name()
                        + " text: "
                        + cause
                        + " at byte offset "
                        + offset
                        + " (a binary file? for Latin-1 text pass --encoding ISO-8859-1)");
    }
}
