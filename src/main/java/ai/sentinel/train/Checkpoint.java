package ai.sentinel.train;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A resumable checkpoint folder: {@code model/} (a complete HF model folder), {@code optimizer.safetensors}
 * (AdamW moments and rate scales) and {@code train_state.json}. The folder is replaced atomically, so a crash
 * while writing leaves the previous checkpoint intact.
 */
public final class Checkpoint {
    public static final String MODEL_FOLDER = "model";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String STATE_FILE = "train_state.json";

    private Checkpoint() {}

    public static void save(Path folder, CausalLm model, AdamW optimizer, TrainState state,
            AtomicFiles.FolderWriter modelExtras) throws IOException {
        AtomicFiles.replaceFolder(folder, tmp -> {
            Path modelFolder = tmp.resolve(MODEL_FOLDER);
            ModelFiles.save(model, modelFolder);
            modelExtras.write(modelFolder);
            SafetensorsWriter.write(tmp.resolve(OPTIMIZER_FILE), optimizer.exportState(),
                    Map.of("optimizer", "adamw", "step", Long.toString(optimizer.stepCount())));
            Json.write(tmp.resolve(STATE_FILE), state.toJson());
        });
    }

    public static boolean exists(Path folder) {
        return Files.isRegularFile(folder.resolve(STATE_FILE));
    }

    public static TrainState readState(Path folder) throws IOException {
        try {
            return TrainState.fromJson(Json.readObject(folder.resolve(STATE_FILE)));
        } catch (IllegalArgumentException e) {
            throw new IOException(folder.resolve(STATE_FILE) + ": " + e.getMessage());
        }
    }

    /** Restores the optimizer's moments and step count. */
    static void restoreOptimizer(Path folder, AdamW optimizer, TrainState state) throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(folder.resolve(OPTIMIZER_FILE))) {
            optimizer.importState(state.step(), name -> file.entries().containsKey(name)
                    ? Optional.of(file.readFloats(name)) : Optional.empty());
        }
    }
}
