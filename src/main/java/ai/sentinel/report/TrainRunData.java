package ai.sentinel.report;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFormatException;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelConfig;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunEventJson;
import ai.sentinel.plasticity.TrainingRun;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of a {@code sentinel train} run folder: {@code run-config.json} and {@code
 * metrics.jsonl} (both required), and where present {@code events.jsonl}, {@code heads.jsonl},
 * {@code summary.json} and {@code samples.json}. Errors name the file (and line).
 *
 * @param steps logged training steps, in file order
 * @param evals validation measurements, in file order
 * @param events run events of any of the files (growth, controller decisions, intervals, snapshots)
 * @param shape layers × heads of the model, when the folder says
 */
record TrainRunData(
        Path folder,
        JsonObject config,
        List<Step> steps,
        List<Eval> evals,
        List<RunEvent> events,
        Optional<JsonObject> summary,
        Optional<Samples> samples,
        Optional<Shape> shape) {
    static final String HEADS = "heads.jsonl";
    static final String SUMMARY = "summary.json";
    static final String SAMPLES = "samples.json";

    /**
     * A logged step of {@code train/MetricsLog}; {@code activeHeads} −1 and {@code sparsity} NaN
     * where the line has none.
     */
    record Step(long step, double loss, double learningRate, int activeHeads, double sparsity) {}

    /** A validation measurement. */
    record Eval(long step, double loss, double perplexity) {}

    /** Continuations of fixed prompts before and after training (greedy). */
    record Samples(List<String> prompts, List<String> before, List<String> after) {}

    /** Layers and heads per layer of the model. */
    record Shape(int layers, int heads) {
        Shape {
            if (layers < 1 || heads < 1 || (long) layers * heads > 1 << 20) {
                throw new IllegalArgumentException(
                        "a model of " + layers + " layers × " + heads + " heads");
            }
        }

        int total() {
            return layers * heads;
        }
    }

    /** Whether {@code folder} looks like a {@code train} run folder. */
    static boolean isTrainRun(Path folder) {
        return Files.isRegularFile(folder.resolve(TrainingRun.CONFIG));
    }

    static TrainRunData read(Path folder) throws IOException {
        JsonObject config = Json.readObject(folder.resolve(TrainingRun.CONFIG));
        List<Step> steps = new ArrayList<>();
        List<Eval> evals = new ArrayList<>();
        List<RunEvent> events = new ArrayList<>();
        Path metrics = folder.resolve(TrainingRun.METRICS);
        if (!Files.isRegularFile(metrics)) {
            throw new IOException(
                    "missing file " + metrics + " (the training log of a 'sentinel train' run)");
        }
        readLines(metrics, (line, where) -> metricsLine(line, where, steps, evals, events));
        for (String name : List.of(TrainingRun.EVENTS, HEADS)) {
            Path file = folder.resolve(name);
            if (Files.isRegularFile(file)) {
                readLines(file, (line, where) -> events.add(event(line, where)));
            }
        }
        Optional<JsonObject> summary =
                Files.isRegularFile(folder.resolve(SUMMARY))
                        ? Optional.of(Json.readObject(folder.resolve(SUMMARY)))
                        : Optional.empty();
        Optional<Samples> samples =
                Files.isRegularFile(folder.resolve(SAMPLES))
                        ? Optional.of(samples(folder.resolve(SAMPLES)))
                        : Optional.empty();
        Optional<Shape> shape = shape(folder, config, events);
        if (shape.isPresent()) {
            requireInside(folder, shape.get(), events);
        }
        return new TrainRunData(folder, config, steps, evals, events, summary, samples, shape);
    }

    /** The events of one kind, in the order read. */
    <T extends RunEvent> List<T> all(Class<T> kind) {
        return events.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    @FunctionalInterface
    private interface LineReader {
        void read(JsonObject line, String where) throws JsonFormatException;
    }

    private static void readLines(Path file, LineReader reader) throws IOException {
        List<String> lines = Json.readText(file).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                String where = file + ":" + (i + 1);
                reader.read(Json.parseObject(lines.get(i), where), where);
            }
        }
    }

    /**
     * {@code step} and {@code eval} lines are the training log's own; any other kind is a run
     * event.
     */
    private static void metricsLine(
            JsonObject o, String where, List<Step> steps, List<Eval> evals, List<RunEvent> events)
            throws JsonFormatException {
        String kind =
                o.has("event") && o.get("event").isJsonPrimitive()
                        ? o.get("event").getAsString()
                        : "";
        try {
            if (kind.equals("step") && !o.has("phase")) {
                steps.add(
                        new Step(
                                o.get("step").getAsLong(),
                                o.get("loss").getAsDouble(),
                                number(o, "lr"),
                                o.has("active_heads") ? o.get("active_heads").getAsInt() : -1,
                                number(o, "sparsity")));
                return;
            }
            if (kind.equals("eval")) {
                evals.add(
                        new Eval(
                                o.get("step").getAsLong(),
                                o.get("val_loss").getAsDouble(),
                                number(o, "val_perplexity")));
                return;
            }
        } catch (RuntimeException e) { // Gson's getters on a missing or mistyped field
            throw new JsonFormatException(
                    where
                            + ": not a training-log line (expected {\"event\": \"step\"|\"eval\","
                            + " \"step\": N, \"loss\"|\"val_loss\": X})");
        }
        events.add(event(o, where));
    }

    private static RunEvent event(JsonObject o, String where) throws JsonFormatException {
        try {
            return RunEventJson.fromJson(o);
        } catch (IllegalArgumentException e) { // its own message: which field, which value
            throw new JsonFormatException(where + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new JsonFormatException(
                    where
                            + ": not a run record of this Sentinel (a field is missing or has the"
                            + " wrong type)");
        }
    }

    private static Samples samples(Path file) throws IOException {
        JsonObject o = Json.readObject(file);
        return new Samples(
                strings(o, "prompts", file), strings(o, "before", file), strings(o, "after", file));
    }

    private static List<String> strings(JsonObject o, String key, Path file)
            throws JsonFormatException {
        if (!o.has(key)) {
            return List.of();
        }
        if (!o.get(key).isJsonArray()) {
            throw new JsonFormatException(file + ": \"" + key + "\" is not a list of texts");
        }
        List<String> out = new ArrayList<>();
        JsonArray a = o.getAsJsonArray(key);
        for (JsonElement e : a) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new JsonFormatException(file + ": \"" + key + "\" holds a non-text entry");
            }
            out.add(e.getAsString());
        }
        return out;
    }

    /**
     * Layers × heads from what the folder holds: a controller snapshot's grid, the run
     * configuration's {@code num_layers} and {@code num_heads}, or the saved model's (or
     * checkpoint's) config.json.
     */
    private static Optional<Shape> shape(Path folder, JsonObject config, List<RunEvent> events)
            throws IOException {
        for (RunEvent e : events) {
            if (e instanceof RunEvent.ControllerSnapshot s && s.state().numHeads() > 0) {
                return Optional.of(new Shape(s.state().numLayers(), s.state().numHeads()));
            }
        }
        if (config.has("num_layers") && config.has("num_heads")) {
            try {
                return Optional.of(
                        new Shape(
                                config.get("num_layers").getAsInt(),
                                config.get("num_heads").getAsInt()));
            } catch (RuntimeException e) {
                throw new JsonFormatException(
                        folder.resolve(TrainingRun.CONFIG)
                                + ": num_layers and num_heads must be whole numbers of at least 1");
            }
        }
        for (Path model :
                List.of(folder.resolve(TrainingRun.MODEL), TrainingRun.checkpointModel(folder))) {
            if (Files.isRegularFile(model.resolve(ModelFiles.CONFIG_FILE))) {
                ModelConfig c = ModelFiles.readConfig(model);
                return Optional.of(new Shape(c.numLayers(), c.numHeads()));
            }
        }
        return Optional.empty();
    }

    /** Every head an event names lies in the model: the head maps are drawn from them. */
    private static void requireInside(Path folder, Shape shape, List<RunEvent> events)
            throws JsonFormatException {
        for (RunEvent e : events) {
            HeadId head =
                    e instanceof RunEvent.HeadPruned p
                            ? p.decision().head()
                            : e instanceof RunEvent.HeadGrown g
                                    ? g.decision().head()
                                    : e instanceof RunEvent.ControllerDecision d ? d.head() : null;
            if (head != null && (head.layer() >= shape.layers() || head.head() >= shape.heads())) {
                throw new JsonFormatException(
                        folder.resolve(TrainingRun.EVENTS)
                                + ": head "
                                + head
                                + " lies outside the model's "
                                + shape.layers()
                                + " layers × "
                                + shape.heads()
                                + " heads");
            }
        }
    }

    private static double number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }
}
