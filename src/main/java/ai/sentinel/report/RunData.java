package ai.sentinel.report;

import ai.sentinel.io.Json;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunLog;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The files of a plasticity run folder, read back as the run's events: what the report is built
 * from.
 */
record RunData(Path folder, JsonObject config, List<RunEvent> events) {
    static RunData read(Path folder) throws IOException {
        return new RunData(
                folder, Json.readObject(folder.resolve(RunLog.CONFIG)), RunLog.read(folder));
    }

    /** The events of one kind, in the order written. */
    <T extends RunEvent> List<T> all(Class<T> kind) {
        return events.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    List<CycleResult> cycles() {
        return CycleResult.fromEvents(events);
    }
}
