package ai.sentinel.plasticity;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonlWriter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The files of a plasticity run folder, written as the run goes (flushed per line, so a killed run keeps what it
 * measured): {@code metrics.jsonl} (phases and logged steps), {@code events.jsonl} (every head pruned or grown,
 * with its scores), {@code heads.jsonl} (the head map at each stage). The report is built from these alone.
 */
public final class RunLog implements AutoCloseable {
    public static final String METRICS = "metrics.jsonl";
    public static final String EVENTS = "events.jsonl";
    public static final String HEADS = "heads.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String CONFIG = "config.json";

    private final Path folder;
    private final JsonlWriter metrics;
    private final JsonlWriter events;
    private final JsonlWriter heads;

    public RunLog(Path folder) throws IOException {
        this(folder, false);
    }

    /** @param append keep the lines already there (a resumed run, which cuts them back to its saved state) */
    public RunLog(Path folder, boolean append) throws IOException {
        this.folder = folder;
        this.metrics = new JsonlWriter(folder.resolve(METRICS), append);
        this.events = new JsonlWriter(folder.resolve(EVENTS), append);
        this.heads = new JsonlWriter(folder.resolve(HEADS), append);
    }

    public Path folder() {
        return folder;
    }

    public void metric(JsonObject line) {
        metrics.write(line);
    }

    public void event(JsonObject line) {
        events.write(line);
    }

    public void heads(JsonObject line) {
        heads.write(line);
    }

    public void writeJson(String name, JsonObject json) throws IOException {
        Json.write(folder.resolve(name), json);
    }

    @Override
    public void close() throws IOException {
        metrics.close();
        events.close();
        heads.close();
    }
}
