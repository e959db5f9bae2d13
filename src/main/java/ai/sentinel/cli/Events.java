package ai.sentinel.cli;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunEventJson;
import ai.sentinel.plasticity.RunLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a single step's decisions as {@code events.jsonl} beside the model it produced, and prints
 * each line.
 */
final class Events {
    private Events() {}

    static void write(Path folder, List<RunEvent> events) throws IOException {
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(RunEventJson.toJson(e)).append('\n'));
        AtomicFiles.writeString(folder.resolve(RunLog.EVENTS), text.toString());
        System.out.print(text);
    }
}
