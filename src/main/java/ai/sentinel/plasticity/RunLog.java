package ai.sentinel.plasticity;

import ai.sentinel.io.Json;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    private final BufferedWriter metrics;
    private final BufferedWriter events;
    private final BufferedWriter heads;
    private final Gson gson = new Gson();

    public RunLog(Path folder) throws IOException {
        this.folder = folder;
        Files.createDirectories(folder);
        this.metrics = Files.newBufferedWriter(folder.resolve(METRICS), StandardCharsets.UTF_8);
        this.events = Files.newBufferedWriter(folder.resolve(EVENTS), StandardCharsets.UTF_8);
        this.heads = Files.newBufferedWriter(folder.resolve(HEADS), StandardCharsets.UTF_8);
    }

    public Path folder() {
        return folder;
    }

    public void metric(JsonObject line) {
        write(metrics, line);
    }

    public void event(JsonObject line) {
        write(events, line);
    }

    public void heads(JsonObject line) {
        write(heads, line);
    }

    public void writeJson(String name, JsonObject json) throws IOException {
        Json.write(folder.resolve(name), json);
    }

    private void write(BufferedWriter out, JsonObject line) {
        try {
            out.write(gson.toJson(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        metrics.close();
        events.close();
        heads.close();
    }
}
