package ai.sentinel.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * Typed reads of JSON values that refuse what Gson would silently coerce: {@code "12"} for 12,
 * {@code 1.5} or {@code 4294967328} for an int (Gson truncates to 32), an object where a number
 * belongs. Errors are {@link IllegalArgumentException}s naming the key; the caller adds the file.
 */
public final class JsonFields {
    private JsonFields() {}

    public static boolean has(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull();
    }

    public static int requireInt(JsonObject o, String key) {
        return asInt(require(o, key), key);
    }

    public static long requireLong(JsonObject o, String key) {
        return asLong(require(o, key), key);
    }

    public static int optInt(JsonObject o, String key, int fallback) {
        return has(o, key) ? asInt(o.get(key), key) : fallback;
    }

    public static double optDouble(JsonObject o, String key, double fallback) {
        return has(o, key) ? asDouble(o.get(key), key) : fallback;
    }

    public static String requireString(JsonObject o, String key) {
        return asString(require(o, key), key);
    }

    public static String optString(JsonObject o, String key, String fallback) {
        return has(o, key) ? asString(o.get(key), key) : fallback;
    }

    public static boolean asBoolean(JsonElement e, String what) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw wrongType(what, "true or false", e);
    }

    public static JsonObject asObject(JsonElement e, String what) {
        if (e != null && e.isJsonObject()) {
            return e.getAsJsonObject();
        }
        throw wrongType(what, "an object", e);
    }

    public static JsonArray asArray(JsonElement e, String what) {
        if (e != null && e.isJsonArray()) {
            return e.getAsJsonArray();
        }
        throw wrongType(what, "an array", e);
    }

    public static String asString(JsonElement e, String what) {
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        throw wrongType(what, "a string", e);
    }

    public static double asDouble(JsonElement e, String what) {
        return number(e, what).doubleValue();
    }

    public static int asInt(JsonElement e, String what) {
        long value = asLong(e, what);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    what
                            + " is "
                            + value
                            + ", out of range: it must be an integer from "
                            + Integer.MIN_VALUE
                            + " to "
                            + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    public static long asLong(JsonElement e, String what) {
        Number n = number(e, what);
        BigDecimal exact;
        try {
            exact = new BigDecimal(n.toString());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(
                    what + " is " + Json.quote(e.toString()) + ", not a whole number");
        }
        if (exact.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(
                    what + " is " + Json.quote(e.toString()) + ", not a whole number");
        }
        try {
            return exact.longValueExact();
        } catch (ArithmeticException ex) {
            throw new IllegalArgumentException(
                    what
                            + " is "
                            + Json.quote(e.toString())
                            + ", out of range: it must be an integer from "
                            + Long.MIN_VALUE
                            + " to "
                            + Long.MAX_VALUE);
        }
    }

    private static Number number(JsonElement e, String what) {
        if (e != null && e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isNumber()) {
                return p.getAsNumber();
            }
        }
        throw wrongType(what, "a number", e);
    }

    private static JsonElement require(JsonObject o, String key) {
        if (!has(o, key)) {
            throw new IllegalArgumentException(Json.quote(key) + " is missing");
        }
        return o.get(key);
    }

    private static IllegalArgumentException wrongType(
            String what, String expected, JsonElement found) {
        return new IllegalArgumentException(
                what
                        + " must be "
                        + expected
                        + ", found "
                        + Json.kind(found)
                        + (found != null && found.isJsonPrimitive()
                                ? " (" + Json.quote(found.toString()) + ")"
                                : ""));
    }
}
