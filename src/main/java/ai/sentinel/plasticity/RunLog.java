package ai.sentinel.plasticity;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFormatException;
import ai.sentinel.io.JsonlWriter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a plasticity run folder, written as the run goes (flushed per line, so a killed run
 * keeps what it measured) and read back as the same {@link RunEvent}s: {@code metrics.jsonl}
 * (stages and logged steps), {@code events.jsonl} (every head pruned or grown, with its scores),
 * {@code heads.jsonl} (the head map at each stage and the measurements before pruning). The report
 * is built from these alone.
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

    /**
     * @param append keep the lines already there (a resumed run, which cuts them back to its saved
     *     state)
     */
    public RunLog(Path folder, boolean append) throws IOException {
        this.folder = folder;
        this.metrics = new JsonlWriter(folder.resolve(METRICS), append);
        this.events = new JsonlWriter(folder.resolve(EVENTS), append);
        this.heads = new JsonlWriter(folder.resolve(HEADS), append);
    }

    public Path folder() {
        return folder;
    }

    /** Appends the event to its file. */
    public void write(RunEvent event) {
        JsonlWriter file =
                switch (fileOf(event)) {
                    case METRICS -> metrics;
                    case EVENTS -> events;
                    default -> heads;
                };
        file.write(RunEventJson.toJson(event));
    }

    public void writeJson(String name, JsonObject json) throws IOException {
        Json.write(folder.resolve(name), json);
    }

    /** The file an event is written to. */
    static String fileOf(RunEvent event) {
        if (event instanceof RunEvent.StepMetrics
                || event instanceof StageResult
                || event instanceof RunEvent.ControllerInterval) {
            return METRICS;
        }
        if (event instanceof RunEvent.HeadMap
                || event instanceof RunEvent.Measurements
                || event instanceof RunEvent.ControllerSnapshot) {
            return HEADS;
        }
        return EVENTS;
    }

    /** Every event of a run folder: metrics, then events, then heads, each in the order written. */
    public static List<RunEvent> read(Path folder) throws IOException {
        List<RunEvent> out = new ArrayList<>();
        for (String name : List.of(METRICS, EVENTS, HEADS)) {
            Path file = folder.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new IOException(
                        "missing file " + file + " (is " + folder + " a Sentinel run folder?)");
            }
            List<String> lines = Json.readText(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                String where = file + ":" + (i + 1);
                JsonObject line =
                        Json.parseObject(lines.get(i), where); // errors name file, line and column
                try {
                    out.add(RunEventJson.fromJson(line));
                } catch (IllegalArgumentException e) { // our own message: which field, which value
                    throw new JsonFormatException(where + ": " + e.getMessage());
                } catch (RuntimeException e) { // Gson's getters on a missing or mistyped field
                    throw new JsonFormatException(
                            where
                                    + ": not a run record of this Sentinel (a field is missing"
                                    + " or has the wrong type)");
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        metrics.close();
        events.close();
        heads.close();
    }
}
