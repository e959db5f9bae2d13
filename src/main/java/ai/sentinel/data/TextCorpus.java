package ai.sentinel.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads training text: one file, or every {@code .txt} file of a folder in name order, joined by
 * newlines.
 */
public final class TextCorpus {
    private TextCorpus() {}

    /** Reads UTF-8 text. */
    public static String read(Path path) throws IOException {
        return read(path, StandardCharsets.UTF_8);
    }

    /**
     * Reads text in the given encoding; a byte sequence that is not valid in it is an error naming
     * the file and the byte offset (never silently replaced).
     */
    public static String read(Path path, Charset encoding) throws IOException {
        if (Files.isRegularFile(path)) {
            return decode(path, encoding);
        }
        if (!Files.isDirectory(path)) {
            throw new IOException("no text file or folder at " + path);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files =
                    walk.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".txt"))
                            .sorted()
                            .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("folder " + path + " holds no .txt files");
        }
        StringBuilder text = new StringBuilder();
        for (Path f : files) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(decode(f, encoding));
        }
        return text.toString();
    }

    private static String decode(Path file, Charset encoding) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        CharsetDecoder decoder =
                encoding.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars =
                CharBuffer.allocate(
                        (int)
                                Math.min(
                                        Integer.MAX_VALUE - 16,
                                        (long)
                                                        (bytes.remaining()
                                                                * (double)
                                                                        decoder.maxCharsPerByte())
                                                + 1));
        CoderResult result = decoder.decode(bytes, chars, true);
        if (result.isUnderflow()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            String cause =
                    result.isMalformed()
                            ? "an invalid " + encoding.name() + " byte sequence"
                            : "a character " + encoding.name() + " cannot represent";
            throw new IOException(
                    file
                            + " is not "
                            + encoding.name()
                            + " text: "
                            + cause
                            + " at byte offset "
                            + bytes.position()
                            + " (a binary file? for Latin-1 text pass --encoding ISO-8859-1)");
        }
        return chars.flip().toString();
    }
}
