package ai.sentinel.cli;

import ai.sentinel.io.AtomicFiles;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes a single step's decisions as {@code events.jsonl} beside the model it produced. */
final class Events {
    private Events() {}

    static void write(Path folder, List<JsonObject> events) throws IOException {
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(e).append('\n'));
        AtomicFiles.writeString(folder.resolve("events.jsonl"), text.toString());
    }
}
