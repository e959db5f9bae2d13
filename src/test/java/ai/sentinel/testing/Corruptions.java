package ai.sentinel.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Corrupt variants of a valid file, for property-based fuzzing of our parsers: truncations, bit
 * flips, overwritten bytes, random bytes, and structural JSON damage (a value replaced by one of
 * another type, a huge or negative number, deep nesting, a key removed). Each variant is drawn by
 * jqwik from a seed, so a failure is reproducible.
 */
public final class Corruptions {
    /**
     * Numbers that break careless code: out of int and long range, negative, fractional,
     * non-finite.
     */
    private static final List<String> NASTY_NUMBERS =
            List.of(
                    "-1",
                    "0",
                    "2147483648",
                    "4294967296",
                    "9223372036854775807",
                    "9223372036854775808",
                    "-9223372036854775808",
                    "1e30",
                    "1e308",
                    "1e400",
                    "1.5",
                    "-0.0",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "18446744073709551616",
                    "1099511627776");

    private Corruptions() {}

    /**
     * Byte-level corruption of {@code valid}: truncated, bits flipped, bytes overwritten, or random
     * bytes.
     */
    public static Arbitrary<byte[]> of(byte[] valid) {
        return Arbitraries.oneOf(
                truncated(valid), bitFlipped(valid), overwritten(valid), randomBytes());
    }

    /**
     * Any corruption of a JSON text: byte-level damage or structural damage, weighted towards the
     * latter.
     */
    public static Arbitrary<byte[]> ofJson(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, of(bytes)),
                net.jqwik.api.Tuple.of(
                        3, jsonDamaged(json).map(s -> s.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * Corruptions of a configuration file: those of {@link #ofJson}, a key given twice, and bytes
     * that are not UTF-8.
     */
    public static Arbitrary<byte[]> ofConfig(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, ofJson(json)),
                net.jqwik.api.Tuple.of(
                        1, duplicateKey(json).map(s -> s.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, notUtf8(bytes)));
    }

    /**
     * {@code json} (an object) with one of its keys, at any depth, given a second time just before
     * the first, with the same value or a nasty number: a reader that keeps the last silently lets
     * a setting vanish.
     */
    public static Arbitrary<String> duplicateKey(String json) {
        return Arbitraries.longs()
                .map(
                        seed -> {
                            SplittableRandom random = new SplittableRandom(seed);
                            JsonObject tree = JsonParser.parseString(json).getAsJsonObject();
                            List<JsonObject> objects = new ArrayList<>();
                            collectObjects(tree, objects);
                            objects.removeIf(o -> o.size() == 0);
                            String compact = new com.google.gson.Gson().toJson(tree);
                            if (objects.isEmpty()) {
                                return compact;
                            }
                            JsonObject o = objects.get(random.nextInt(objects.size()));
                            List<String> keys = new ArrayList<>(o.keySet());
                            String key = keys.get(random.nextInt(keys.size()));
                            String name = new com.google.gson.Gson().toJson(key) + ":";
                            int at = compact.indexOf(name);
                            JsonElement value =
                                    random.nextBoolean()
                                            ? o.get(key)
                                            : new JsonPrimitive(
                                                    new com.google.gson.internal.LazilyParsedNumber(
                                                            NASTY_NUMBERS.get(
                                                                    random.nextInt(
                                                                            NASTY_NUMBERS
                                                                                    .size()))));
                            return compact.substring(0, at)
                                    + name
                                    + new com.google.gson.Gson().toJson(value)
                                    + ","
                                    + compact.substring(at);
                        });
    }

    private static void collectObjects(JsonElement e, List<JsonObject> out) {
        if (e.isJsonObject()) {
            out.add(e.getAsJsonObject());
            e.getAsJsonObject().entrySet().forEach(f -> collectObjects(f.getValue(), out));
        } else if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collectObjects(x, out));
        }
    }

    /**
     * {@code text} (a YAML document) with one of its lines repeated right after itself: a key given
     * twice, or a list item more.
     */
    public static Arbitrary<String> lineRepeated(String text) {
        List<String> lines = text.lines().toList();
        return Arbitraries.integers()
                .between(0, lines.size() - 1)
                .map(
                        i -> {
                            List<String> copy = new ArrayList<>(lines);
                            copy.add(i, lines.get(i));
                            return String.join("\n", copy) + "\n";
                        });
    }

    /**
     * Byte sequences that are never UTF-8: a lone continuation byte, a lead byte without its
     * continuation, an overlong encoding, an encoded UTF-16 surrogate, bytes 0xF5-0xFF.
     */
    private static final byte[][] NOT_UTF8 = {
        {(byte) 0x80},
        {(byte) 0xC3},
        {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xC0, (byte) 0x80},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF5},
        {(byte) 0xFF},
        {(byte) 0xE9} // 'é' in Latin-1
    };

    /** {@code valid} with one sequence that is not UTF-8 inserted anywhere, the end included. */
    public static Arbitrary<byte[]> notUtf8(byte[] valid) {
        return Combinators.combine(
                        Arbitraries.integers().between(0, valid.length),
                        Arbitraries.integers().between(0, NOT_UTF8.length - 1))
                .as(
                        (at, which) -> {
                            byte[] bad = NOT_UTF8[which];
                            byte[] out = new byte[valid.length + bad.length];
                            System.arraycopy(valid, 0, out, 0, at);
                            System.arraycopy(bad, 0, out, at, bad.length);
                            System.arraycopy(valid, at, out, at + bad.length, valid.length - at);
                            return out;
                        });
    }

    public static Arbitrary<byte[]> truncated(byte[] valid) {
        return Arbitraries.integers()
                .between(0, Math.max(0, valid.length - 1))
                .map(n -> Arrays.copyOf(valid, n));
    }

    public static Arbitrary<byte[]> bitFlipped(byte[] valid) {
        return Arbitraries.longs()
                .map(
                        seed -> {
                            SplittableRandom random = new SplittableRandom(seed);
                            byte[] copy = valid.clone();
                            int flips = 1 + random.nextInt(8);
                            for (int i = 0; i < flips && copy.length > 0; i++) {
                                int at = random.nextInt(copy.length);
                                copy[at] ^= (byte) (1 << random.nextInt(8));
                            }
                            return copy;
                        });
    }

    public static Arbitrary<byte[]> overwritten(byte[] valid) {
        return Combinators.combine(
                        Arbitraries.integers().between(0, Math.max(0, valid.length - 1)),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16))
                .as(
                        (at, bytes) -> {
                            byte[] copy = valid.clone();
                            for (int i = 0; i < bytes.length && at + i < copy.length; i++) {
                                copy[at + i] = bytes[i];
                            }
                            return copy;
                        });
    }

    public static Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
    }

    /** {@code json} with one to three structural changes at random places of its tree. */
    public static Arbitrary<String> jsonDamaged(String json) {
        return Arbitraries.longs()
                .map(
                        seed -> {
                            SplittableRandom random = new SplittableRandom(seed);
                            JsonElement tree = JsonParser.parseString(json);
                            int changes = 1 + random.nextInt(3);
                            for (int i = 0; i < changes; i++) {
                                tree = damage(tree, random, 0);
                            }
                            return serialize(tree, random);
                        });
    }

    private static JsonElement damage(JsonElement e, SplittableRandom random, int depth) {
        boolean descend =
                (e.isJsonObject() && e.getAsJsonObject().size() > 0
                                || e.isJsonArray() && e.getAsJsonArray().size() > 0)
                        && random.nextInt(4) != 0;
        if (!descend) {
            return replacement(random);
        }
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            List<String> keys = new ArrayList<>(o.keySet());
            String key = keys.get(random.nextInt(keys.size()));
            if (random.nextInt(6) == 0) {
                o.remove(key);
            } else {
                o.add(key, damage(o.get(key), random, depth + 1));
            }
            return o;
        }
        JsonArray a = e.getAsJsonArray();
        int index = random.nextInt(a.size());
        a.set(index, damage(a.get(index), random, depth + 1));
        return a;
    }

    private static JsonElement replacement(SplittableRandom random) {
        return switch (random.nextInt(7)) {
            case 0 ->
                    new JsonPrimitive(
                            new com.google.gson.internal.LazilyParsedNumber(
                                    NASTY_NUMBERS.get(random.nextInt(NASTY_NUMBERS.size()))));
            case 1 -> new JsonPrimitive("x".repeat(random.nextInt(4)));
            case 2 -> JsonNull.INSTANCE;
            case 3 -> new JsonPrimitive(random.nextBoolean());
            case 4 -> new JsonObject();
            case 5 -> {
                JsonArray array = new JsonArray();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(
                            new JsonPrimitive(
                                    new com.google.gson.internal.LazilyParsedNumber(
                                            NASTY_NUMBERS.get(
                                                    random.nextInt(NASTY_NUMBERS.size())))));
                }
                yield array;
            }
            default -> nested(1 + random.nextInt(random.nextBoolean() ? 300 : 20));
        };
    }

    private static JsonElement nested(int depth) {
        JsonArray root = new JsonArray();
        JsonArray current = root;
        for (int i = 1; i < depth; i++) {
            JsonArray next = new JsonArray();
            current.add(next);
            current = next;
        }
        return root;
    }

    /**
     * Serializes leniently (NaN allowed), and sometimes as deep raw nesting that no tree could
     * hold.
     */
    private static String serialize(JsonElement tree, SplittableRandom random) {
        String text =
                new com.google.gson.GsonBuilder()
                        .serializeSpecialFloatingPointValues()
                        .create()
                        .toJson(tree);
        if (random.nextInt(20) == 0) {
            int at = random.nextInt(text.length() + 1);
            return text.substring(0, at) + "[".repeat(100_000) + text.substring(at);
        }
        return text;
    }

    /** Bytes allocated by the calling thread so far (HotSpot's per-thread counter). */
    public static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
