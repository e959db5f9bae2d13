package ai.sentinel.experiments;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.ModelSource;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.tokenizer.Tokenizer;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo: the nano preset pretrained on a corpus (cached in a folder, keyed by profile and seed),
 * then one plasticity cycle sized by the profile.
 */
public final class Demo {
    /** The budgets of a demo run. */
    public record Profile(
            String name,
            int pretrainSteps,
            int batchSize,
            int seqLen,
            int learningSteps,
            int evalBatches,
            int metricBatches,
            int sampleTokens) {}

    public static final Profile FULL = new Profile("full", 1200, 16, 128, 300, 20, 8, 160);
    public static final Profile QUICK = new Profile("quick", 150, 8, 64, 60, 4, 2, 60);

    private static final String CACHE_KEY_FILE = "demo-pretraining.json";

    private Demo() {}

    /** Where the pretrained model of a profile is cached under the demo's folder. */
    public static Path cacheFolder(Path out, Profile p) {
        return out.resolve("pretrained-" + p.name());
    }

    /** Whether {@code out} holds a pretrained model of this profile and seed. */
    public static boolean isCached(Path out, Profile p, long seed) throws IOException {
        Path keyFile = cacheFolder(out, p).resolve(CACHE_KEY_FILE);
        return Files.exists(keyFile) && Json.readObject(keyFile).equals(cacheKey(p, seed));
    }

    /**
     * The cached pretrained model if this profile and seed made one, else pretrains nano and caches
     * it.
     */
    public static CausalLm pretrained(
            Path out,
            Profile p,
            long seed,
            Tokenizer tokenizer,
            TextDataset data,
            NDManager manager,
            StepListener progress)
            throws IOException {
        Path cache = cacheFolder(out, p);
        if (isCached(out, p, seed)) {
            return ModelFiles.load(cache, manager);
        }
        CausalLm model = ModelSource.of("nano").load(manager, tokenizer.vocabSize(), seed);
        TrainConfig train =
                TrainConfig.cosine(
                        p.pretrainSteps(),
                        p.batchSize(),
                        3e-3f,
                        Math.min(100, p.pretrainSteps() / 5),
                        p.evalBatches(),
                        seed);
        try (Trainer trainer = new Trainer(model, data, train, progress)) {
            trainer.run(out.resolve("pretraining-checkpoint"), tokenizer::save);
        }
        ModelFiles.save(model, cache);
        tokenizer.save(cache);
        Json.write(cache.resolve(CACHE_KEY_FILE), cacheKey(p, seed));
        return model;
    }

    /**
     * One cycle with the defaults, sized to the profile: the gate warm-up and the new-head rate
     * decay span the first half of the learning phase, so grown heads are fully open for its second
     * half.
     */
    public static CycleConfig cycleConfig(Profile p, long seed) {
        int ramp = Math.max(1, Math.min(100, p.learningSteps() / 2));
        return CycleConfig.builder()
                .cycles(1)
                .initialTrainingSteps(0)
                .learningSteps(p.learningSteps())
                .schedule(new GrowthSchedule(0.01f, ramp, 5f, ramp))
                .training(
                        new CycleConfig.Training(
                                p.batchSize(),
                                3e-3f,
                                Math.min(100, p.learningSteps() / 5),
                                p.evalBatches()))
                .metricBatches(p.metricBatches())
                .sampleTokens(p.sampleTokens())
                .seed(seed)
                .build();
    }

    private static JsonObject cacheKey(Profile p, long seed) {
        JsonObject key = new JsonObject();
        key.addProperty("profile", p.name());
        key.addProperty("pretrain_steps", p.pretrainSteps());
        key.addProperty("seed", seed);
        return key;
    }
}
