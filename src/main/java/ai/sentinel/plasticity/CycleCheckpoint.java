package ai.sentinel.plasticity;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import ai.sentinel.io.JsonFormatException;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.Checkpoint;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a plasticity run stands, saved in {@code <run>/resume/} at two points of every cycle (cycle
 * 0 is the initial training): just before its training phase, and once it is complete. With the
 * training phase's own checkpoints ({@code <run>/checkpoints/<phase>-<cycle>/}) this is all {@code
 * cycle --resume} needs to continue a killed run and end exactly as an uninterrupted one:
 * everything else a cycle does is a function of the model and the seed.
 *
 * <p>The folder holds {@code model/} and {@value #STATE_FILE}; it is replaced atomically and sealed
 * by a manifest. The state records each log's length at that moment, so a resumed run cuts the logs
 * back and nothing is logged twice.
 */
public final class CycleCheckpoint {
    static final String FOLDER = "resume";
    static final String STATE_FILE = "cycle_state.json";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final int FORMAT_VERSION = 1;
    private static final Gson GSON =
            new GsonBuilder().serializeSpecialFloatingPointValues().create();

    /** The two points of a cycle at which the run is saved. */
    public enum Point {
        BEFORE_TRAINING,
        CYCLE_DONE
    }

    /** What a cycle measured and decided before its training phase. */
    public record FirstHalf(
            StageResult baseline,
            StageResult pruned,
            StageResult grown,
            List<HeadId> prunedHeads,
            List<HeadId> grownHeads) {}

    /**
     * @param cycle 0 for the initial training, then 1..cycles
     * @param firstHalf what cycle {@code cycle} (≥ 1) did before its training phase; empty
     *     otherwise
     * @param logBytes the length of metrics.jsonl, events.jsonl and heads.jsonl when this state was
     *     saved
     */
    public record State(
            Point point,
            int cycle,
            long step,
            List<CycleResult> results,
            Optional<FirstHalf> firstHalf,
            long[] logBytes) {}

    private CycleCheckpoint() {}

    static Path folder(Path run) {
        return run.resolve(FOLDER);
    }

    /**
     * The training phase's own checkpoint folder for cycle {@code c} (0 = the initial training).
     */
    static Path trainerCheckpoint(Path run, int c) {
        return run.resolve("checkpoints").resolve(phase(c).key() + "-" + c);
    }

    static TrainingPhase phase(int c) {
        return c == 0 ? TrainingPhase.INITIAL_TRAINING : TrainingPhase.LEARNING;
    }

    /** The point a saved state names; a value from a damaged file is quoted, never echoed raw. */
    private static Point point(String name) {
        for (Point p : Point.values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "point "
                        + Json.quote(name)
                        + " is not one of "
                        + java.util.Arrays.toString(Point.values()));
    }

    /**
     * Saves the state with the model and, once the run has one, the optimizer that its learning
     * phases share.
     */
    static void save(Path run, CausalLm model, Optional<AdamW> optimizer, State state)
            throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("format_version", FORMAT_VERSION);
        json.addProperty("point", state.point().name());
        json.addProperty("cycle", state.cycle());
        json.addProperty("step", state.step());
        json.add("results", GSON.toJsonTree(state.results()));
        state.firstHalf().ifPresent(h -> json.add("first_half", GSON.toJsonTree(h)));
        json.add("log_bytes", GSON.toJsonTree(state.logBytes()));
        AtomicFiles.replaceFolder(
                folder(run),
                tmp -> {
                    ModelFiles.save(model, tmp.resolve("model"));
                    if (optimizer.isPresent()) {
                        Checkpoint.writeOptimizer(tmp.resolve(OPTIMIZER_FILE), optimizer.get());
                    }
                    Json.write(tmp.resolve(STATE_FILE), json);
                });
    }

    /**
     * The saved state of the run in {@code run}, finishing an interrupted save first; empty when
     * none is complete.
     */
    public static Optional<State> read(Path run) throws IOException {
        Path folder = folder(run);
        if (!AtomicFiles.recoverFolder(folder)) {
            return Optional.empty();
        }
        Path file = folder.resolve(STATE_FILE);
        JsonObject json = Json.readObject(file);
        try {
            if (JsonFields.optInt(json, "format_version", -1) != FORMAT_VERSION) {
                throw new IllegalArgumentException(
                        "format version "
                                + json.get("format_version")
                                + ", this build"
                                + " reads "
                                + FORMAT_VERSION
                                + "; restart the run without --resume");
            }
            Point point = point(JsonFields.requireString(json, "point"));
            int cycle = JsonFields.requireInt(json, "cycle");
            long step = JsonFields.requireLong(json, "step");
            List<CycleResult> results =
                    GSON.fromJson(
                            JsonFields.asArray(json.get("results"), "results"),
                            new TypeToken<List<CycleResult>>() {}.getType());
            Optional<FirstHalf> firstHalf =
                    JsonFields.has(json, "first_half")
                            ? Optional.of(
                                    GSON.fromJson(
                                            JsonFields.asObject(
                                                    json.get("first_half"), "first_half"),
                                            FirstHalf.class))
                            : Optional.empty();
            long[] logBytes =
                    GSON.fromJson(
                            JsonFields.asArray(json.get("log_bytes"), "log_bytes"), long[].class);
            if (cycle < 0
                    || step < 0
                    || logBytes.length != 3
                    || results.contains(null)
                    || point == Point.BEFORE_TRAINING && cycle > 0 && firstHalf.isEmpty()) {
                throw new IllegalArgumentException("inconsistent state");
            }
            return Optional.of(
                    new State(point, cycle, step, List.copyOf(results), firstHalf, logBytes));
        } catch (
                RuntimeException
                        e) { // Gson's record binding throws several kinds; all mean a bad file
            throw new JsonFormatException(
                    file + ": not a cycle state this build reads (" + e.getMessage() + ")");
        }
    }

    /**
     * Loads the model to continue from: the training phase's checkpoint when the run stopped inside
     * one that had written a checkpoint, else the model saved with the state.
     */
    public static CausalLm loadModel(Path run, State state, NDManager manager) throws IOException {
        Path trainer = trainerCheckpoint(run, state.cycle());
        if (state.point() == Point.BEFORE_TRAINING && Checkpoint.recover(trainer)) {
            return ModelFiles.load(trainer.resolve(Checkpoint.MODEL_FOLDER), manager);
        }
        return ModelFiles.load(folder(run).resolve("model"), manager);
    }

    /**
     * Restores the shared optimizer saved with the state in {@code run}; false when the state was
     * saved before the run had one.
     */
    static boolean restoreOptimizer(Path run, AdamW optimizer) throws IOException {
        Path file = folder(run).resolve(OPTIMIZER_FILE);
        if (!Files.exists(file)) {
            return false;
        }
        Checkpoint.readOptimizer(file, optimizer);
        return true;
    }

    /** Whether the state in {@code run} was saved with an optimizer. */
    static boolean hasOptimizer(Path run) {
        return Files.exists(folder(run).resolve(OPTIMIZER_FILE));
    }

    /**
     * Removes a previous run's saved states and training checkpoints, so a fresh run never resumes
     * from them.
     */
    static void clear(Path run) throws IOException {
        for (String name : List.of(FOLDER, FOLDER + ".tmp", FOLDER + ".old", "checkpoints")) {
            AtomicFiles.deleteRecursively(run.resolve(name));
        }
    }

    static boolean exists(Path run) {
        return Files.exists(folder(run));
    }
}
