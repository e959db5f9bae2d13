package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFormatException;
import ai.sentinel.io.Links;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.ShardedSafetensors;
import ai.sentinel.io.TensorData;
import ai.sentinel.io.TensorSource;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Parameter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A model folder in Hugging Face's layout: {@code config.json} and {@code model.safetensors} that
 * {@code from_pretrained} opens unchanged, plus {@value #HEADS_FILE} with our gates and head mask,
 * which HF loaders ignore, and {@value UnetSkips#FILE} when the model has U-Net skips. Tokenizer
 * files are handled by {@code ai.sentinel.tokenizer}.
 */
public final class ModelFiles {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String HEADS_FILE = "sentinel_heads.safetensors";
    private static final String HEADS_FORMAT_VERSION = "1";

    private ModelFiles() {}

    public static CausalLm load(Path folder, NDManager parent) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("model folder " + folder + " does not exist");
        }
        JsonObject json = Json.readObject(folder.resolve(CONFIG_FILE));
        Family family = parse(folder, () -> Families.of(json));
        ModelConfig config = parse(folder, () -> family.parseConfig(json));
        CausalLm model;
        try (TensorSource weights = openWeights(folder)) {
            model = family.load(config, weights, parent);
        }
        try {
            loadHeads(folder.resolve(HEADS_FILE), model.gates());
            model.setUnet(UnetSkips.load(folder, model));
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        // a removed head never takes part, whether or not a sidecar says so (a plain folder with
        // pruned_heads has none)
        for (int layer = 0; layer < config.numLayers(); layer++) {
            for (int h = 0; h < config.numHeads(); h++) {
                HeadId head = new HeadId(layer, h);
                if (!config.isPresent(head)) {
                    model.gates().setMasked(head, true);
                }
            }
        }
        return model;
    }

    /**
     * The folder's weights: {@value #WEIGHTS_FILE}, or the shards its {@value
     * ShardedSafetensors#INDEX_FILE} lists. Pickled PyTorch weights are never unpickled (arbitrary
     * code); the message says how to convert them.
     */
    public static TensorSource openWeights(Path folder) throws IOException {
        Path single = folder.resolve(WEIGHTS_FILE);
        Links.requireNotBroken(single);
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single);
        }
        Path index = folder.resolve(ShardedSafetensors.INDEX_FILE);
        Links.requireNotBroken(index);
        if (Files.isRegularFile(index)) {
            return ShardedSafetensors.open(index);
        }
        try (var files = Files.list(folder)) {
            if (files.anyMatch(
                    f ->
                            f.getFileName()
                                    .toString()
                                    .matches("pytorch_model.*\\.bin(\\.index\\.json)?"))) {
                throw new IOException(
                        "model folder "
                                + folder
                                + " has only PyTorch pickle weights (pytorch_model*.bin),"
                                + " which Sentinel does not unpickle (it can run arbitrary code). Convert them once in"
                                + " Python: AutoModelForCausalLM.from_pretrained(folder).save_pretrained(folder,"
                                + " safe_serialization=True)");
            }
        }
        throw new IOException(
                "model folder "
                        + folder
                        + " has no "
                        + WEIGHTS_FILE
                        + " and no "
                        + ShardedSafetensors.INDEX_FILE);
    }

    /**
     * Parses the folder's {@code config.json} into its family's config; errors name the file and
     * the key.
     */
    public static ModelConfig readConfig(Path folder) throws IOException {
        JsonObject json = Json.readObject(folder.resolve(CONFIG_FILE));
        Family family = parse(folder, () -> Families.of(json));
        return parse(folder, () -> family.parseConfig(json));
    }

    /** Runs a config parser, naming config.json in its errors. */
    private static <T> T parse(Path folder, java.util.function.Supplier<T> parser)
            throws IOException {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(folder.resolve(CONFIG_FILE) + ": " + e.getMessage());
        }
    }

    private static void loadHeads(Path file, HeadGates gates) throws IOException {
        Links.requireNotBroken(file); // not "no sidecar": that would open every pruned head
        if (!Files.exists(file)) {
            return; // a plain HF folder: every gate open
        }
        try (SafetensorsFile heads = SafetensorsFile.open(file)) {
            String version = heads.metadata().getOrDefault("format_version", "?");
            if (!version.equals(HEADS_FORMAT_VERSION)) {
                throw new IOException(
                        file
                                + " has format version "
                                + version
                                + ", this build reads "
                                + HEADS_FORMAT_VERSION
                                + "; save the model again with a matching Sentinel");
            }
            try {
                gates.load(heads.readFiniteFloats("gates"), heads.readFiniteFloats("mask"));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage());
            }
        }
    }

    /**
     * Puts a folder saved from a model of the same configuration back into {@code model}, in place
     * and one tensor at a time: weights, gates and masks, and U-Net skips. Rolling back this way
     * needs no second model in memory (loading one cost a full copy of the weights).
     */
    public static void restoreInto(Path folder, CausalLm model) throws IOException {
        if (!readConfig(folder).equals(model.config())) {
            throw new IllegalStateException(
                    folder + " holds a model of another shape than the one to restore");
        }
        try (TensorSource weights = openWeights(folder)) {
            for (Map.Entry<String, Parameter> e :
                    Families.of(model).weightsByName(model).entrySet()) {
                copyInto(weights, e.getKey(), e.getValue());
            }
        }
        loadHeads(folder.resolve(HEADS_FILE), model.gates());
        if (model.unet().isPresent()) {
            try (TensorSource skips = SafetensorsFile.open(folder.resolve(UnetSkips.FILE))) {
                for (Parameter p : model.unet().get().parameters()) {
                    copyInto(skips, p.name(), p);
                }
            }
        }
    }

    private static void copyInto(TensorSource source, String name, Parameter p) throws IOException {
        NDArray target = p.value();
        if (!Arrays.equals(source.entry(name).shape(), target.getShape().getShape())) {
            throw new IOException(
                    source.path() + ": " + name + " has another shape than the model's");
        }
        try (NDArray values =
                        EngineArrays.of(
                                target.getManager(),
                                source.readFiniteFloats(name),
                                target.getShape());
                NDArray typed = values.toType(target.getDataType(), false)) {
            target.set(new NDIndex("..."), typed);
        }
    }

    /**
     * Writes config, weights and head state into {@code folder} (created if needed), each file
     * atomically.
     */
    public static void save(CausalLm model, Path folder) throws IOException {
        Files.createDirectories(folder);
        Family family = Families.of(model);
        Json.write(folder.resolve(CONFIG_FILE), family.configJson(model));
        SafetensorsWriter.write(
                folder.resolve(WEIGHTS_FILE), family.exportWeights(model), Map.of("format", "pt"));
        HeadGates gates = model.gates();
        long[] shape = {gates.numLayers(), gates.numHeads()};
        SafetensorsWriter.write(
                folder.resolve(HEADS_FILE),
                Map.of(
                        "gates",
                        TensorData.ofFloats(gates.gateValues(), shape),
                        "mask",
                        TensorData.ofFloats(gates.maskValues(), shape)),
                Map.of("format", "sentinel-heads", "format_version", HEADS_FORMAT_VERSION));
        if (model.unet().isPresent()) {
            model.unet().get().save(folder);
        } else {
            Files.deleteIfExists(folder.resolve(UnetSkips.FILE)); // not a stale one from before
        }
    }
}
