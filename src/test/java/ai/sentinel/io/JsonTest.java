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
        assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "big"));
        assertEquals(4294967328L, JsonFields.requireLong(o, "big"));
        assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "half"));
        assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "o"));
        assertThrows(IllegalArgumentException.class, () -> JsonFields.requireInt(o, "missing"));
    }
}
