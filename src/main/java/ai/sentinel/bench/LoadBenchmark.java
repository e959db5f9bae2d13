package ai.sentinel.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.sentinel.io.DType;
import ai.sentinel.io.Json;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.ShardedSafetensors;
import ai.sentinel.io.TensorData;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.Family;
import ai.sentinel.model.ModelConfig;
import ai.sentinel.model.ModelFiles;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Loading time and peak resident memory of a large checkpoint, against the size of its weights as
 * F32 (what the loaded model holds). The checkpoint has TinyLlama-1.1B's shape (22 layers, 32 query
 * heads in 4 key/value groups, width 2048, SwiGLU 5632, vocabulary 32,000, untied lm_head) with
 * random weights, written as BF16 in two shards and an index, as Hugging Face publishes such
 * models.
 *
 * <p>Peak memory is the process's {@code VmHWM} (Linux): everything resident at the worst moment,
 * engine, Java heap and mapped files included, since a loader that hides a second copy of the
 * weights anywhere shows up there.
 */
public final class LoadBenchmark {
    /** Shards of the written checkpoint, as TinyLlama's own upload has one; two test the index. */
    public static final int SHARDS = 2;

    /**
     * What was measured.
     *
     * @param rssBeforeBytes resident memory with the engine loaded, before reading the checkpoint
     * @param peakRssBytes the process's peak resident memory after the load
     * @param maxHeapBytes the Java heap's limit in this process
     */
    public record Result(
            long parameters,
            double seconds,
            long rssBeforeBytes,
            long peakRssBytes,
            long maxHeapBytes) {
        public long f32Bytes() {
            return 4 * parameters;
        }

        public double peakOverF32() {
            return peakRssBytes / (double) f32Bytes();
        }
    }

    private LoadBenchmark() {}

    /** TinyLlama-1.1B's {@code config.json} (Hugging Face Llama format). */
    static JsonObject tinyLlamaConfig() {
        JsonObject json = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add("LlamaForCausalLM");
        json.add("architectures", architectures);
        json.addProperty("model_type", "llama");
        json.addProperty("vocab_size", 32000);
        json.addProperty("hidden_size", 2048);
        json.addProperty("intermediate_size", 5632);
        json.addProperty("num_hidden_layers", 22);
        json.addProperty("num_attention_heads", 32);
        json.addProperty("num_key_value_heads", 4);
        json.addProperty("max_position_embeddings", 2048);
        json.addProperty("hidden_act", "silu");
        json.addProperty("rms_norm_eps", 1e-5);
        json.addProperty("rope_theta", 10000.0);
        json.addProperty("tie_word_embeddings", false);
        json.addProperty("bos_token_id", 1);
        json.addProperty("eos_token_id", 2);
        json.addProperty("torch_dtype", "bfloat16");
        return json;
    }

    /**
     * Writes the checkpoint into {@code folder}: config.json, BF16 shards filled one tensor at a
     * time (matrices uniform with standard deviation 0.02, norms 1), and the shard index. Returns
     * the number of weights.
     */
    public static long writeCheckpoint(Path folder, long seed) throws IOException {
        return writeCheckpoint(folder, tinyLlamaConfig(), seed);
    }

    /** As {@link #writeCheckpoint(Path, long)} for any family's {@code config.json}. */
    static long writeCheckpoint(Path folder, JsonObject config, long seed) throws IOException {
        Files.createDirectories(folder);
        Family family = Families.of(config);
        ModelConfig parsed = family.parseConfig(config);
        Map<String, long[]> shapes = family.weightShapes(parsed);
        long total = shapes.values().stream().mapToLong(TensorData::numElements).sum();
        List<Map<String, SafetensorsWriter.Spec>> shards = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            shards.add(new LinkedHashMap<>());
        }
        long done = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            int shard = (int) Math.min(SHARDS - 1, done * SHARDS / total);
            shards.get(shard).put(e.getKey(), new SafetensorsWriter.Spec(DType.BF16, e.getValue()));
            done += TensorData.numElements(e.getValue());
        }
        JsonObject weightMap = new JsonObject();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < SHARDS; i++) {
            String file =
                    String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, SHARDS);
            shards.get(i).keySet().forEach(name -> weightMap.addProperty(name, file));
            Map<String, SafetensorsWriter.Spec> specs = shards.get(i);
            SafetensorsWriter.write(
                    folder.resolve(file),
                    specs,
                    Map.of("format", "pt"),
                    name -> randomBf16(specs.get(name).shape(), random));
        }
        JsonObject index = new JsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("total_size", 2 * total);
        index.add("metadata", metadata);
        index.add("weight_map", weightMap);
        Json.write(folder.resolve(ShardedSafetensors.INDEX_FILE), index);
        Json.write(folder.resolve(ModelFiles.CONFIG_FILE), config);
        return total;
    }

    /** Norm weights (1-D) are 1; matrices uniform in ±0.02·√3 (standard deviation 0.02). */
    private static TensorData randomBf16(long[] shape, SplittableRandom random) {
        int n = Math.toIntExact(TensorData.numElements(shape));
        ByteBuffer bytes = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        float half = 0.02f * (float) Math.sqrt(3);
        for (int i = 0; i < n; i++) {
            float value =
                    shape.length == 1 ? 1f : ((random.nextInt() >>> 8) * 0x1p-23f - 1f) * half;
            bytes.putShort(i * 2, (short) (Float.floatToRawIntBits(value) >>> 16));
        }
        return new TensorData(DType.BF16, shape, bytes);
    }

    /**
     * Loads {@code folder} with the normal loader ({@link ModelFiles#load}) and measures the time
     * and this process's peak resident memory; meaningful in a fresh process only.
     */
    public static Result load(Path folder) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            manager.zeros(new ai.djl.ndarray.types.Shape(1)).close(); // load the engine first
            long before = procStatusBytes("VmRSS");
            long t0 = System.nanoTime();
            try (CausalLm model = ModelFiles.load(folder, manager)) {
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Result(
                        model.numParameters(),
                        seconds,
                        before,
                        procStatusBytes("VmHWM"),
                        Runtime.getRuntime().maxMemory());
            }
        }
    }

    /** A {@code /proc/self/status} field given in kB, in bytes; −1 where there is none. */
    static long procStatusBytes(String field) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return -1;
    }
}
