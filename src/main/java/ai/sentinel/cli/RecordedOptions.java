package ai.sentinel.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options a run folder recorded when it started, compared with a {@code --resume}'s: a run
 * resumed with other options would mix two experiments in one folder, so each difference is named
 * with both values.
 */
final class RecordedOptions {
    /** A value longer than this is cut in the message (a dataset path, a nested section). */
    private static final int MAX_VALUE_CHARS = 60;

    private RecordedOptions() {}

    /**
     * Refuses to resume {@code run} when {@code now} differs from {@code recorded} (read from its
     * {@code file}).
     */
    static void requireSame(Path run, String file, JsonObject recorded, JsonObject now) {
        requireSame(run, file, recorded, now, Set.of());
    }

    /**
     * As {@link #requireSame(Path, String, JsonObject, JsonObject)}, except for the top-level keys
     * {@code mayDiffer}: options a resume may change, and facts about the run that are no options.
     */
    static void requireSame(
            Path run, String file, JsonObject recorded, JsonObject now, Set<String> mayDiffer) {
        JsonObject before = recorded.deepCopy();
        JsonObject after = now.deepCopy();
        mayDiffer.forEach(before::remove);
        mayDiffer.forEach(after::remove);
        List<String> differences = new ArrayList<>();
        collect("", before, after, differences);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(
                    "--resume: "
                            + run
                            + " was started with other options ("
                            + file
                            + "): "
                            + String.join("; ", differences)
                            + "; resume with the same options");
        }
    }

    /** "key: X in the run, Y now" for each leaf that differs, nested keys joined by '.'. */
    private static void collect(
            String prefix, JsonObject recorded, JsonObject now, List<String> out) {
        Set<String> keys = new TreeSet<>(recorded.keySet());
        keys.addAll(now.keySet());
        for (String key : keys) {
            JsonElement before = orNull(recorded.get(key));
            JsonElement after = orNull(now.get(key));
            if (before.equals(after)) {
                continue;
            }
            if (before.isJsonObject() && after.isJsonObject()) {
                collect(prefix + key + ".", before.getAsJsonObject(), after.getAsJsonObject(), out);
            } else {
                out.add(
                        prefix
                                + key
                                + ": "
                                + shown(before)
                                + " in the run, "
                                + shown(after)
                                + " now");
            }
        }
    }

    private static JsonElement orNull(JsonElement e) {
        return e == null ? JsonNull.INSTANCE : e;
    }

    private static String shown(JsonElement e) {
        if (e.isJsonNull()) {
            return "none";
        }
        String text = e.toString().replaceAll("\\p{Cntrl}", "?");
        return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS) + "...";
    }
}
