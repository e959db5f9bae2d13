package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON errors are one line: the file, the line and column, the problem; typed reads refuse silent
 * coercions.
 */
class JsonTest {
    private static String error(Path dir, String text) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, text);
        String message =
                assertThrows(JsonFormatException.class, () -> Json.readObject(file)).getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(!message.contains("setStrictness") && !message.contains("http"), message);
        return message.substring(file.toString().length() + 2);
    }

    @Test
    void syntaxErrorsNameLineAndColumn(@TempDir Path dir) throws IOException {
        assertTrue(error(dir, "{\"a\": 1,\n \"b\" 2}").startsWith("line 2, column"));
        assertEquals(
                "line 1, column 9: invalid JSON: unexpected end of file (truncated?)",
                error(dir, "{\"a\": [1"));
        assertEquals("empty, expected JSON", error(dir, "  "));
        assertEquals("expected a JSON object, found an array", error(dir, "[1, 2]"));
        assertTrue(error(dir, "{} {}").contains("more than one JSON value"));
        assertTrue(error(dir, "[".repeat(100_000)).contains("invalid JSON"), "deep nesting");
        Files.write(dir.resolve("config.json"), new byte[] {'{', (byte) 0xff, '}'});
        assertThrows(JsonFormatException.class, () -> Json.readObject(dir.resolve("config.json")));
    }

    @Test
    void aFileThatIsNotUtf8NamesTheByteOffset(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("config.json"), new byte[] {'{', '"', 'a', (byte) 0xe9, '"', '}'});
        String message =
                assertThrows(
                                JsonFormatException.class,
                                () -> Json.readObject(dir.resolve("config.json")))
                        .getMessage();
        assertEquals(
                dir.resolve("config.json")
                        + " is not UTF-8 text: an invalid UTF-8 byte sequence (0xe9) at byte"
                        + " offset 3; a JSON file must be UTF-8",
                message);
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        assertEquals(
                "line 1, column 32: the key \"n_head\" is given twice in one object (at"
                        + " \"$.attn.n_head\"); give each key once",
                error(dir, "{\"attn\": {\"n_head\": 4, \"n_head\": 8}}"));
        assertTrue(
                error(dir, "{\"a\": 1,\n \"b\": [{}, {\"c\": 1}],\n \"a\": 2}").contains("\"a\""));
        // the same key in different objects is no duplicate
        Json.parseObject("{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}, \"x\": [{\"x\": 2}]}", "test");
    }

    @Test
    void ourOwnNonFiniteNumbersStillRead(@TempDir Path dir) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("loss", Double.NaN);
        Json.write(dir.resolve("summary.json"), o);
        assertTrue(
                Double.isNaN(
                        Json.readObject(dir.resolve("summary.json")).get("loss").getAsDouble()));
    }

    @Test
    void typedFieldsRefuseCoercions() throws JsonFormatException {
        JsonObject o =
                Json.parseObject(
                        "{\"s\": \"12\", \"big\": 4294967328, \"half\": 1.5, \"o\": {}, \"n\": 7}",
                        "test");
        assertEquals(7, JsonFields.requireInt(o, "n"));
        assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "s"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "big"))
                        .getMessage()
                        .endsWith(
                                "is 4294967328, out of range: it must be an integer from"
                                        + " -2147483648 to 2147483647"));
        assertEquals(4294967328L, JsonFields.requireLong(o, "big"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "half"))
                        .getMessage()
                        .endsWith("is \"1.5\", not a whole number"));
        assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "o"));
        assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "missing"));
    }
}
