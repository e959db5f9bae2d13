package ai.sentinel.model;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFormatException;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.TensorData;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model folder in Hugging Face's layout: {@code config.json} and {@code model.safetensors} that
 * {@code from_pretrained} opens unchanged, plus {@value #HEADS_FILE} with our gates and head mask, which HF
 * loaders ignore. Tokenizer files are handled by {@code ai.sentinel.tokenizer}.
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
        Path weights = folder.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            throw new IOException("model folder " + folder + " has no " + WEIGHTS_FILE
                    + " (only safetensors weights are read; convert pytorch_model.bin with HF's save_pretrained)");
        }
        CausalLm model;
        try (SafetensorsFile file = SafetensorsFile.open(weights)) {
            model = family.load(config, file, parent);
        }
        try {
            loadHeads(folder.resolve(HEADS_FILE), model.gates());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** Parses the folder's {@code config.json} into its family's config; errors name the file and the key. */
    public static ModelConfig readConfig(Path folder) throws IOException {
        JsonObject json = Json.readObject(folder.resolve(CONFIG_FILE));
        Family family = parse(folder, () -> Families.of(json));
        return parse(folder, () -> family.parseConfig(json));
    }

    /** Runs a config parser, naming config.json in its errors. */
    private static <T> T parse(Path folder, java.util.function.Supplier<T> parser) throws IOException {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(folder.resolve(CONFIG_FILE) + ": " + e.getMessage());
        }
    }

    private static void loadHeads(Path file, HeadGates gates) throws IOException {
        if (!Files.exists(file)) {
            return; // a plain HF folder: every gate open
        }
        try (SafetensorsFile heads = SafetensorsFile.open(file)) {
            String version = heads.metadata().getOrDefault("format_version", "?");
            if (!version.equals(HEADS_FORMAT_VERSION)) {
                throw new IOException(file + " has format version " + version + ", this build reads "
                        + HEADS_FORMAT_VERSION + "; save the model again with a matching Sentinel");
            }
            try {
                gates.load(heads.readFiniteFloats("gates"), heads.readFiniteFloats("mask"));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage());
            }
        }
    }

    /** Writes config, weights and head state into {@code folder} (created if needed), each file atomically. */
    public static void save(CausalLm model, Path folder) throws IOException {
        Files.createDirectories(folder);
        Family family = Families.of(model);
        Json.write(folder.resolve(CONFIG_FILE), family.configJson(model));
        SafetensorsWriter.write(folder.resolve(WEIGHTS_FILE), family.exportWeights(model), Map.of("format", "pt"));
        HeadGates gates = model.gates();
        long[] shape = {gates.numLayers(), gates.numHeads()};
        SafetensorsWriter.write(folder.resolve(HEADS_FILE),
                Map.of("gates", TensorData.ofFloats(gates.gateValues(), shape),
                        "mask", TensorData.ofFloats(gates.maskValues(), shape)),
                Map.of("format", "sentinel-heads", "format_version", HEADS_FORMAT_VERSION));
    }
}
