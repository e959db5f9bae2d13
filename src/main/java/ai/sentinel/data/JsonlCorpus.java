package ai.sentinel.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The text of a JSON Lines file: one JSON object per line, whose string field {@code field} is one
 * document; documents are joined by newlines. Blank lines are skipped. A line that is not a JSON
 * object, lacks the field or holds something other than a string there is an error naming the file
 * and the line: a half-converted dataset should not train quietly on what was left.
 */
public final class JsonlCorpus {
    private JsonlCorpus() {}

    public static String read(Path file, String field, Charset encoding) throws IOException {
        CharsetDecoder decoder =
                encoding.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        StringBuilder text = new StringBuilder();
        int lineNumber = 0;
        try (BufferedReader in =
                new BufferedReader(
                        new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                text.append(document(file, lineNumber, line, field)).append('\n');
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(
                    file
                            + " line "
                            + (lineNumber + 1)
                            + " is not "
                            + encoding.name()
                            + " text (pass --encoding for another character set)");
        }
        if (lineNumber == 0) {
            throw new IOException(file + " holds no JSON lines");
        }
        return text.toString();
    }

    private static String document(Path file, int lineNumber, String line, String field)
            throws IOException {
        String where = file + " line " + lineNumber + ": ";
        JsonElement element;
        try {
            element = JsonParser.parseString(line);
        } catch (JsonParseException e) {
            throw new IOException(where + "not valid JSON (" + e.getMessage() + ")");
        }
        if (!element.isJsonObject()) {
            throw new IOException(where + "not a JSON object");
        }
        JsonObject object = element.getAsJsonObject();
        JsonElement value = object.get(field);
        if (value == null) {
            throw new IOException(
                    where
                            + "has no field \""
                            + field
                            + "\" (its fields: "
                            + String.join(", ", object.keySet())
                            + "; choose one with --text-field)");
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new IOException(where + "field \"" + field + "\" is not a string");
        }
        return value.getAsString();
    }
}
