package ai.sentinel.data;

import ai.sentinel.tokenizer.TextPieces;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a JSON Lines file: one JSON object per line, whose string field {@code field} is one
 * document; documents are joined by newlines. Blank lines are skipped. A line that is not a JSON
 * object, lacks the field or holds something other than a string there is an error naming the file
 * and the line: a half-converted dataset should not train quietly on what was left. Read as a
 * stream, a line at a time; one line (one document) must fit in memory.
 */
public final class JsonlCorpus implements TextSource {
    private static final Pattern COLUMN = Pattern.compile(" at line \\d+ column (\\d+)");

    private final Path file;
    private final String field;
    private final Charset encoding;
    private final long sizeBytes;

    private JsonlCorpus(Path file, String field, Charset encoding) throws IOException {
        this.file = file;
        this.field = field;
        this.encoding = encoding;
        this.sizeBytes = Files.size(file);
    }

    public static JsonlCorpus open(Path file, String field, Charset encoding) throws IOException {
        return new JsonlCorpus(file, field, encoding);
    }

    /** The whole text (small files and tests). */
    public static String read(Path file, String field, Charset encoding) throws IOException {
        return open(file, field, encoding).readAll();
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public Optional<String> fingerprint() throws IOException {
        return Optional.of(Fingerprint.of("jsonl", List.of(file), field, encoding.name()));
    }

    @Override
    public void feed(TextPieces pieces, LongConsumer bytesRead) throws IOException {
        long documents = 0;
        long lineNumber = 0;
        try (CountingStream counted = new CountingStream(Files.newInputStream(file));
                BufferedReader in =
                        new BufferedReader(
                                new InputStreamReader(
                                        counted,
                                        encoding.newDecoder()
                                                .onMalformedInput(CodingErrorAction.REPORT)
                                                .onUnmappableCharacter(
                                                        CodingErrorAction.REPORT)))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (!line.isBlank()) {
                    pieces.append(document(lineNumber, line));
                    pieces.append("\n");
                    documents++;
                }
                bytesRead.accept(counted.count);
            }
        } catch (CharacterCodingException e) {
            throw new IOException(
                    file
                            + " line "
                            + (lineNumber + 1)
                            + " is not "
                            + encoding.name()
                            + " text (pass --encoding for another character set)");
        }
        if (documents == 0) {
            throw new IOException(file + " holds no JSON lines");
        }
    }

    /** The line's text field, read without building the rest of the object. */
    private String document(long lineNumber, String line) throws IOException {
        String where = file + " line " + lineNumber + ": ";
        List<String> fields = new ArrayList<>();
        String text = null;
        try (JsonReader reader = new JsonReader(new StringReader(line))) {
            // lenient: Python's json.dumps writes NaN and Infinity for floats in other fields
            reader.setStrictness(Strictness.LENIENT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IOException(where + "not a JSON object");
            }
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                fields.add(name);
                if (!name.equals(field)) {
                    reader.skipValue();
                } else if (text != null) {
                    throw new IOException(where + "field \"" + field + "\" appears twice");
                } else if (reader.peek() != JsonToken.STRING) {
                    throw new IOException(where + "field \"" + field + "\" is not a string");
                } else {
                    text = reader.nextString();
                }
            }
            reader.endObject();
            if (!endsAfterObject(reader)) {
                throw new IOException(where + "more than one JSON value on the line");
            }
        } catch (com.google.gson.stream.MalformedJsonException | java.io.EOFException e) {
            throw new IOException(where + "not valid JSON" + position(e.getMessage()));
        }
        if (text == null) {
            throw new IOException(
                    where
                            + "has no field \""
                            + field
                            + "\" (its fields: "
                            + String.join(", ", fields)
                            + "; choose one with --text-field)");
        }
        return text;
    }

    private static boolean endsAfterObject(JsonReader reader) throws IOException {
        try {
            return reader.peek() == JsonToken.END_DOCUMENT;
        } catch (com.google.gson.stream.MalformedJsonException e) {
            return false; // garbage after the object
        }
    }

    /** " at column N (reason)" from the JSON reader's message, without its class names or links. */
    private static String position(String message) {
        if (message == null) {
            return " (the line ends too early)";
        }
        Matcher column = COLUMN.matcher(message);
        if (!column.find()) {
            return " (the line ends too early)";
        }
        String reason = message.substring(0, column.start());
        if (reason.startsWith("Use JsonReader")) {
            reason = "malformed JSON";
        }
        return " at column " + column.group(1) + " (" + reason.toLowerCase() + ")";
    }

    /** Counts the bytes read, for the progress bar. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
