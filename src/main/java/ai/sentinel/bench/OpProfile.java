package ai.sentinel.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * libtorch's own operator profiler around a piece of work: writes its trace (Chrome's trace-event
 * JSON, viewable in chrome://tracing or Perfetto) and sums each operator's self time, that is its
 * time less that of the operators it called, so the rows add up to the profiled time.
 */
public final class OpProfile {
    /** One operator's self time over all its calls, per repetition of the profiled work. */
    public record Row(String operator, double millisPerRepeat, double callsPerRepeat) {}

    private OpProfile() {}

    /** Runs {@code work} under the profiler, writes the trace to {@code trace}, sums it. */
    public static List<Row> record(Runnable work, int repeats, Path trace) throws IOException {
        JniUtils.startProfile(false, true, false);
        try {
            work.run();
        } finally {
            JniUtils.stopProfile(trace.toAbsolutePath().toString());
        }
        return summarise(trace, repeats);
    }

    /** Self time per operator name, largest first. */
    public static List<Row> summarise(Path trace, int repeats) throws IOException {
        List<JsonObject> events = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            for (JsonElement e : JsonParser.parseReader(reader).getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                if (o.has("ph") && "X".equals(o.get("ph").getAsString())) {
                    events.add(o);
                }
            }
        }
        // parents start no later and last no shorter than their children, on the same thread
        events.sort(
                Comparator.<JsonObject, String>comparing(o -> o.get("tid").getAsString())
                        .thenComparingDouble(o -> o.get("ts").getAsDouble())
                        .thenComparingDouble(o -> -o.get("dur").getAsDouble()));
        Map<String, double[]> totals = new LinkedHashMap<>(); // name -> {self µs, calls}
        Deque<double[]> open = new ArrayDeque<>(); // {end, index into selfTimes}
        double[] selfTimes = new double[events.size()];
        String[] threads = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            JsonObject o = events.get(i);
            double start = o.get("ts").getAsDouble();
            double duration = o.get("dur").getAsDouble();
            threads[i] = o.get("tid").getAsString();
            while (!open.isEmpty()
                    && (!threads[(int) open.peek()[1]].equals(threads[i])
                            || open.peek()[0] <= start)) {
                open.pop();
            }
            selfTimes[i] = duration;
            if (!open.isEmpty()) {
                selfTimes[(int) open.peek()[1]] -= duration;
            }
            open.push(new double[] {start + duration, i});
        }
        for (int i = 0; i < events.size(); i++) {
            double[] t =
                    totals.computeIfAbsent(
                            events.get(i).get("name").getAsString(), k -> new double[2]);
            t[0] += selfTimes[i];
            t[1] += 1;
        }
        List<Row> rows = new ArrayList<>();
        totals.forEach((name, t) -> rows.add(new Row(name, t[0] / 1000 / repeats, t[1] / repeats)));
        rows.sort(Comparator.comparingDouble(Row::millisPerRepeat).reversed());
        return rows;
    }
}
