package ai.sentinel.report;

import ai.sentinel.io.Json;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files of a plasticity run folder, parsed: what the report is built from, and nothing else. */
record RunData(Path folder, JsonObject config, JsonObject summary, List<JsonObject> metrics, List<JsonObject> events,
        List<JsonObject> heads) {

    static RunData read(Path folder) throws IOException {
        return new RunData(folder, Json.readObject(folder.resolve("config.json")),
                Json.readObject(folder.resolve("summary.json")), lines(folder.resolve("metrics.jsonl")),
                lines(folder.resolve("events.jsonl")), lines(folder.resolve("heads.jsonl")));
    }

    private static List<JsonObject> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("missing file " + file);
        }
        List<JsonObject> out = new ArrayList<>();
        List<String> lines = Json.readText(file).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(Json.parseObject(lines.get(i), file + ":" + (i + 1))); // errors name file and line
            }
        }
        return out;
    }

    List<JsonObject> metrics(String event) {
        return metrics.stream().filter(o -> o.get("event").getAsString().equals(event)).toList();
    }

    List<JsonObject> events(String kind) {
        return events.stream().filter(o -> o.get("event").getAsString().equals(kind)).toList();
    }

    static double number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    static double[][] matrix(JsonArray rows) {
        double[][] out = new double[rows.size()][];
        for (int l = 0; l < rows.size(); l++) {
            JsonArray row = rows.get(l).getAsJsonArray();
            out[l] = new double[row.size()];
            for (int h = 0; h < row.size(); h++) {
                JsonElement e = row.get(h);
                out[l][h] = e.isJsonNull() ? Double.NaN : e.getAsJsonPrimitive().isBoolean()
                        ? (e.getAsBoolean() ? 1 : 0) : e.getAsDouble();
            }
        }
        return out;
    }
}
