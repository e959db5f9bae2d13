package ai.sentinel.upgrade;

import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.Parameter;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The state a cycle starts from, on disk (so it is also what a resumed upgrade continues from): the
 * model folder (weights, gates, masks, U-Net skips) and the optimizer's moments, rate scales and
 * step count. Rolling back copies it into the live model and optimizer in place, bit for bit; the
 * upgrade prunes adaptively (masks), so shapes never change.
 */
final class CycleStart {
    static final String MODEL = "model";
    static final String OPTIMIZER = "optimizer.safetensors";

    private CycleStart() {}

    /** Writes the model and optimizer into {@code folder} (inside an atomic folder write). */
    static void write(Path folder, CausalLm model, AdamW optimizer) throws IOException {
        ModelFiles.save(model, folder.resolve(MODEL));
        Checkpoint.writeOptimizer(folder.resolve(OPTIMIZER), optimizer);
    }

    /** Puts the saved state back into {@code model} and {@code optimizer}. Call outside scopes. */
    static void restore(Path folder, CausalLm model, AdamW optimizer) throws IOException {
        ModelFiles.restoreInto(folder.resolve(MODEL), model);
        for (Parameter p : optimizer.rateScaledParameters()) {
            optimizer.clearRateScale(p); // the saved state holds exactly the scales it had
        }
        Checkpoint.readOptimizer(folder.resolve(OPTIMIZER), optimizer);
    }
}
