package ai.sentinel.train;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFormatException;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A resumable checkpoint folder: {@code model/} (a complete HF model folder), {@code
 * optimizer.safetensors} (AdamW moments and rate scales), {@code train_state.json}, and a manifest
 * written last that makes the folder complete. The folder is replaced atomically, so a kill while
 * writing leaves the previous checkpoint intact (as {@code <name>}, or {@code <name>.old} mid-swap:
 * {@link #recover} puts it back).
 */
public final class Checkpoint {
    public static final String MODEL_FOLDER = "model";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String STATE_FILE = "train_state.json";
    static final String HOOKS_FOLDER = "hooks";

    private Checkpoint() {}

    public static void save(
            Path folder,
            CausalLm model,
            AdamW optimizer,
            TrainState state,
            Map<String, JsonObject> hookStates,
            AtomicFiles.FolderWriter modelExtras)
            throws IOException {
        AtomicFiles.replaceFolder(
                folder,
                tmp -> {
                    Path modelFolder = tmp.resolve(MODEL_FOLDER);
                    ModelFiles.save(model, modelFolder);
                    modelExtras.write(modelFolder);
                    writeOptimizer(tmp.resolve(OPTIMIZER_FILE), optimizer);
                    Json.write(tmp.resolve(STATE_FILE), state.toJson());
                    if (!hookStates.isEmpty()) {
                        Files.createDirectories(tmp.resolve(HOOKS_FOLDER));
                        for (Map.Entry<String, JsonObject> e : hookStates.entrySet()) {
                            Json.write(
                                    tmp.resolve(HOOKS_FOLDER).resolve(e.getKey() + ".json"),
                                    e.getValue());
                        }
                    }
                });
    }

    /** Whether {@code folder} holds a complete checkpoint (sealed, every file intact). */
    public static boolean exists(Path folder) {
        return AtomicFiles.isComplete(folder);
    }

    /**
     * Finishes a checkpoint swap that a kill interrupted, so the last complete checkpoint is at
     * {@code folder} wherever the swap stopped. Returns whether a complete checkpoint is there.
     */
    public static boolean recover(Path folder) throws IOException {
        return AtomicFiles.recoverFolder(folder);
    }

    public static TrainState readState(Path folder) throws IOException {
        if (!exists(folder)) {
            throw new IOException(
                    folder
                            + " is not a complete checkpoint (no manifest, or a file differs from it:"
                            + " a kill while writing, or a checkpoint of an older Sentinel); restart the run");
        }
        Path file = folder.resolve(STATE_FILE);
        try {
            return TrainState.fromJson(Json.readObject(file));
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(file + ": " + e.getMessage());
        }
    }

    /**
     * The state a stateful hook wrote into the checkpoint in {@code folder}, if it wrote one there.
     */
    static Optional<JsonObject> readHookState(Path folder, String name) throws IOException {
        Path file = folder.resolve(HOOKS_FOLDER).resolve(name + ".json");
        return Files.exists(file) ? Optional.of(Json.readObject(file)) : Optional.empty();
    }

    /** The names of the hook states saved in the checkpoint in {@code folder}. */
    static List<String> hookStateNames(Path folder) throws IOException {
        Path hooks = folder.resolve(HOOKS_FOLDER);
        if (!Files.isDirectory(hooks)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(hooks)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted()
                    .toList();
        }
    }

    /** Restores the optimizer's moments and its own step count from the checkpoint. */
    static void restoreOptimizer(Path folder, AdamW optimizer) throws IOException {
        readOptimizer(folder.resolve(OPTIMIZER_FILE), optimizer);
    }

    /** Writes the optimizer's moments, rate scales and step count to a safetensors file. */
    public static void writeOptimizer(Path file, AdamW optimizer) throws IOException {
        SafetensorsWriter.write(
                file,
                optimizer.exportState(),
                Map.of("optimizer", "adamw", "step", Long.toString(optimizer.stepCount())));
    }

    /**
     * Restores what {@link #writeOptimizer} wrote, including the optimizer's own step count (which
     * differs from a run's when one optimizer serves several runs, as a cycle's phases).
     */
    public static void readOptimizer(Path path, AdamW optimizer) throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            long steps;
            try {
                steps = Long.parseLong(file.metadata().getOrDefault("step", ""));
            } catch (NumberFormatException e) {
                throw new JsonFormatException(path + ": metadata \"step\" is not a whole number");
            }
            optimizer.importState(
                    steps,
                    name ->
                            file.entries().containsKey(name)
                                    ? Optional.of(file.readFiniteFloats(name))
                                    : Optional.empty());
        }
    }
}
