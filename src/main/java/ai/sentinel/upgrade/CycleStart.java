package ai.sentinel.upgrade;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.Parameter;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
        try (NDManager m = model.manager().newSubManager();
                CausalLm saved = ModelFiles.load(folder.resolve(MODEL), m)) {
            if (!saved.config().equals(model.config())) {
                throw new IllegalStateException(
                        "the saved cycle start has another shape than the live model");
            }
            List<Parameter> from = saved.parameters();
            List<Parameter> to = model.parameters();
            if (from.size() != to.size()) {
                throw new IllegalStateException(
                        "the saved cycle start has "
                                + from.size()
                                + " parameters, the model "
                                + to.size());
            }
            for (int i = 0; i < to.size(); i++) {
                to.get(i).value().set(new NDIndex("..."), from.get(i).value());
            }
            model.gates().load(saved.gates().gateValues(), saved.gates().maskValues());
        }
        for (Parameter p : optimizer.rateScaledParameters()) {
            optimizer.clearRateScale(p); // the saved state holds exactly the scales it had
        }
        Checkpoint.readOptimizer(folder.resolve(OPTIMIZER), optimizer);
    }
}
