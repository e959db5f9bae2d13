package ai.sentinel.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.Json;
import ai.sentinel.io.ShardedSafetensors;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.Parameter;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load benchmark's checkpoint writer, on a tiny config: shards and index that the normal loader
 * reads back into the shape the config names.
 */
class LoadBenchmarkTest {
    @Test
    void writtenShardsLoadBackThroughTheIndex(@TempDir Path dir) throws Exception {
        JsonObject config = LoadBenchmark.tinyLlamaConfig();
        config.addProperty("vocab_size", 50);
        config.addProperty("hidden_size", 16);
        config.addProperty("intermediate_size", 24);
        config.addProperty("num_hidden_layers", 2);
        config.addProperty("num_attention_heads", 4);
        config.addProperty("num_key_value_heads", 2);
        long weights = LoadBenchmark.writeCheckpoint(dir, config, 7);
        assertEquals(2, Files.list(dir).filter(f -> f.toString().endsWith(".safetensors")).count());
        JsonObject index = Json.readObject(dir.resolve(ShardedSafetensors.INDEX_FILE));
        assertEquals(2 * weights, index.getAsJsonObject("metadata").get("total_size").getAsLong());
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model = ModelFiles.load(dir, manager)) {
            assertEquals(weights, model.numParameters());
            assertEquals("Llama", Families.of(model).name());
            for (Parameter p : model.parameters()) {
                float[] v = p.value().toFloatArray();
                if (p.value().getShape().dimension() == 1) {
                    assertArrayEquals(new float[v.length], p.value().sub(1).toFloatArray());
                } else {
                    double max = 0;
                    for (float x : v) {
                        max = Math.max(max, Math.abs(x));
                    }
                    assertTrue(max > 0.01 && max < 0.035, p.name() + ": " + max);
                }
            }
        }
    }
}
