package ai.sentinel.model;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The heads physically removed from each layer (compressed pruning), by original index, as every
 * family's config keeps them: checked against the shape, read from and written to {@code
 * config.json} under the family's key ({@code pruned_heads} for GPT-2, {@value #SENTINEL_KEY} where
 * Hugging Face's class has none).
 */
public final class RemovedHeads {
    /**
     * The key for families whose Hugging Face config has no {@code pruned_heads}; HF loaders ignore
     * it.
     */
    public static final String SENTINEL_KEY = "sentinel_pruned_heads";

    private RemovedHeads() {}

    /**
     * An immutable, sorted copy; a layer outside the model, a head outside it or an emptied layer
     * is an error.
     */
    public static Map<Integer, Set<Integer>> checked(
            Map<Integer, Set<Integer>> removed, int numLayers, int numHeads, String key) {
        Map<Integer, Set<Integer>> copy = new TreeMap<>();
        for (Map.Entry<Integer, Set<Integer>> e : removed.entrySet()) {
            int layer = e.getKey();
            require(
                    layer >= 0 && layer < numLayers,
                    key + " names layer " + layer + " of " + numLayers);
            for (int h : e.getValue()) {
                require(h >= 0 && h < numHeads, key + " names head " + h + " of " + numHeads);
            }
            require(e.getValue().size() < numHeads, key + " removes every head of layer " + layer);
            if (!e.getValue().isEmpty()) {
                copy.put(layer, Set.copyOf(new TreeSet<>(e.getValue())));
            }
        }
        return Map.copyOf(copy);
    }

    /** The heads of {@code layer} still present, ascending. */
    public static int[] present(Map<Integer, Set<Integer>> removed, int layer, int numHeads) {
        Set<Integer> gone = removed.getOrDefault(layer, Set.of());
        return IntStream.range(0, numHeads).filter(h -> !gone.contains(h)).toArray();
    }

    /** Parses {@code {"layer": [heads...]}}; absent or null is none removed. */
    public static Map<Integer, Set<Integer>> parse(JsonElement element, String key) {
        Map<Integer, Set<Integer>> result = new TreeMap<>();
        if (element == null || element.isJsonNull()) {
            return result;
        }
        for (Map.Entry<String, JsonElement> e : JsonFields.asObject(element, key).entrySet()) {
            String where = key + "[" + Json.quote(e.getKey()) + "]";
            Set<Integer> heads = new TreeSet<>();
            for (JsonElement h : JsonFields.asArray(e.getValue(), where)) {
                heads.add(JsonFields.asInt(h, "a head in " + where));
            }
            try {
                result.put(Integer.parseInt(e.getKey()), heads);
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException(
                        key + " has key " + Json.quote(e.getKey()) + ", not a layer number");
            }
        }
        return result;
    }

    /** {@code {"layer": [heads...]}} in layer order. */
    public static JsonObject toJson(Map<Integer, Set<Integer>> removed) {
        JsonObject json = new JsonObject();
        new TreeMap<>(removed)
                .forEach(
                        (layer, heads) -> {
                            JsonArray list = new JsonArray();
                            new TreeSet<>(heads).forEach(list::add);
                            json.add(Integer.toString(layer), list);
                        });
        return json;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
