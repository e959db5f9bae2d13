package ai.sentinel.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and writing JSON files; errors name the file. */
public final class Json {
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    private Json() {}

    public static JsonObject readObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("missing file " + file);
        }
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file));
            if (!e.isJsonObject()) {
                throw new IOException(file + ": expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IOException(file + ": invalid JSON (" + e.getMessage() + ")");
        }
    }

    /** A record or other plain object as a JSON object (enums by name, non-finite numbers allowed). */
    public static JsonObject toJsonTree(Object value) {
        return PRETTY.toJsonTree(value).getAsJsonObject();
    }

    public static String pretty(JsonElement json) {
        return PRETTY.toJson(json) + "\n";
    }

    public static void write(Path file, JsonElement json) throws IOException {
        AtomicFiles.writeString(file, pretty(json));
    }
}
