package ai.sentinel.cli;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.plasticity.GrowDecision;
import ai.sentinel.plasticity.PruneDecision;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunEventJson;
import ai.sentinel.plasticity.RunLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes a single step's decisions as {@code events.jsonl} beside the model it produced, and prints
 * them as lines a person reads: one per head, with the scores that chose it. The JSON records stay
 * in the file, for programs.
 */
final class Events {
    private Events() {}

    static void write(Path folder, List<RunEvent> events) throws IOException {
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(RunEventJson.toJson(e)).append('\n'));
        AtomicFiles.writeString(folder.resolve(RunLog.EVENTS), text.toString());
        events.forEach(e -> System.out.println("  " + describe(e)));
    }

    /** One event as a line of text; kinds a single step does not make fall back to their kind. */
    static String describe(RunEvent event) {
        if (event instanceof RunEvent.HeadPruned p) {
            PruneDecision d = p.decision();
            return String.format(
                    Locale.ROOT,
                    "pruned %-7s priority %.4f  entropy %.3f  gradient %.3g  magnitude %.3g"
                            + "  importance %.3g",
                    d.head(),
                    d.priority(),
                    d.entropy(),
                    d.gradientNorm(),
                    d.magnitude(),
                    d.importance());
        }
        if (event instanceof RunEvent.HeadGrown g) {
            GrowDecision d = g.decision();
            return String.format(
                    Locale.ROOT,
                    "grew   %-7s rank %d  sensitivity %.3g  importance at full gate %.3g"
                            + "  normalised entropy %.3f",
                    d.head(),
                    d.rank(),
                    d.gradientSensitivity(),
                    d.importanceAtFullGate(),
                    d.normalizedEntropy());
        }
        if (event instanceof RunEvent.PruningTies t) {
            return "ties at the cut, broken by the seeded order: "
                    + t.groups().stream()
                            .map(
                                    g ->
                                            g.stream()
                                                    .map(Object::toString)
                                                    .collect(Collectors.joining(" = ")))
                            .collect(Collectors.joining("; "));
        }
        return event.getClass().getSimpleName();
    }
}
