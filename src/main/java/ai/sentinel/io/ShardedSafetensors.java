package ai.sentinel.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sharded checkpoint: {@code model.safetensors.index.json}, whose {@code weight_map} names the
 * shard of every tensor, and the shards themselves (read one tensor at a time). The index and the
 * shards must agree: a missing shard, a tensor missing from its shard, or a shard that holds a
 * tensor the index puts elsewhere is an error naming both files.
 */
public final class ShardedSafetensors implements TensorSource {
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path index;
    private final Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
    private final Map<String, SafetensorsFile> shards = new TreeMap<>();
    private final Map<String, SafetensorsFile.Entry> entries = new LinkedHashMap<>();

    private ShardedSafetensors(Path index) {
        this.index = index;
    }

    /** Opens every shard the index names and checks that index and shards agree. */
    public static ShardedSafetensors open(Path index) throws IOException {
        JsonObject json = Json.readObject(index);
        JsonObject weightMap = JsonFields.asObject(json.get("weight_map"), "weight_map");
        ShardedSafetensors sharded = new ShardedSafetensors(index);
        try {
            for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
                String shardName = JsonFields.asString(e.getValue(), "weight_map." + e.getKey());
                Path shardPath = index.resolveSibling(shardName).normalize();
                if (!shardPath.startsWith(index.getParent().normalize())
                        || shardName.contains("/")) {
                    throw new JsonFormatException(
                            index
                                    + ": shard "
                                    + Json.quote(shardName)
                                    + " is not a file name"
                                    + " in the model folder");
                }
                SafetensorsFile shard = sharded.shards.get(shardName);
                if (shard == null) {
                    if (!Files.isRegularFile(shardPath)) {
                        Links.requireNotBroken(shardPath);
                        throw new IOException(
                                index
                                        + " names shard "
                                        + shardName
                                        + ", which is missing from "
                                        + index.getParent()
                                        + " (an interrupted download? fetch the model again)");
                    }
                    shard = SafetensorsFile.open(shardPath);
                    sharded.shards.put(shardName, shard);
                }
                SafetensorsFile.Entry entry = shard.entries().get(e.getKey());
                if (entry == null) {
                    throw new IOException(
                            index
                                    + " puts tensor "
                                    + Json.quote(e.getKey())
                                    + " in "
                                    + shardPath
                                    + ", which does not hold it");
                }
                sharded.shardOf.put(e.getKey(), shard);
                sharded.entries.put(e.getKey(), entry);
            }
            for (Map.Entry<String, SafetensorsFile> s : sharded.shards.entrySet()) {
                for (String name : s.getValue().entries().keySet()) {
                    SafetensorsFile owner = sharded.shardOf.get(name);
                    if (owner != s.getValue()) {
                        throw new IOException(
                                s.getValue().path()
                                        + " holds tensor "
                                        + Json.quote(name)
                                        + ", which "
                                        + index
                                        + (owner == null
                                                ? " does not list"
                                                : " puts in " + owner.path()));
                    }
                }
            }
            return sharded;
        } catch (IOException | RuntimeException e) {
            sharded.close();
            throw e;
        }
    }

    @Override
    public Path path() {
        return index;
    }

    @Override
    public Map<String, SafetensorsFile.Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    @Override
    public SafetensorsFile.Entry entry(String name) throws IOException {
        SafetensorsFile.Entry e = entries.get(name);
        if (e == null) {
            throw new IOException(index + ": no tensor named " + Json.quote(name));
        }
        return e;
    }

    @Override
    public float[] readFiniteFloats(String name) throws IOException {
        SafetensorsFile shard = shardOf.get(name);
        if (shard == null) {
            throw new IOException(index + ": no tensor named " + Json.quote(name));
        }
        return shard.readFiniteFloats(name);
    }

    @Override
    public void readFiniteFloats(String name, FloatBuffer target) throws IOException {
        SafetensorsFile shard = shardOf.get(name);
        if (shard == null) {
            throw new IOException(index + ": no tensor named " + Json.quote(name));
        }
        shard.readFiniteFloats(name, target);
    }

    /** The shard file names, for messages and tests. */
    public String[] shardNames() {
        return shards.keySet().toArray(String[]::new);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile s : shards.values()) {
            try {
                s.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return index + " " + Arrays.toString(shardNames());
    }
}
