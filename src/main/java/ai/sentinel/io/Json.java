package ai.sentinel.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading and writing JSON files. Every read error is one line naming the file, and for syntax
 * errors the line and column, never Gson's internals.
 */
public final class Json {
    private static final Gson PRETTY =
            new GsonBuilder()
                    .setPrettyPrinting()
                    .disableHtmlEscaping()
                    .serializeSpecialFloatingPointValues()
                    .create();

    /**
     * Gson's messages end "... at line 3 column 7 path $.a" plus a troubleshooting URL; we keep the
     * first part.
     */
    private static final Pattern LOCATION =
            Pattern.compile("^(.*?)\\s+at line (\\d+) column (\\d+)", Pattern.DOTALL);

    private Json() {}

    public static JsonObject readObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            Links.requireNotBroken(file);
            throw new IOException("missing file " + file);
        }
        return parseObject(readText(file), file.toString());
    }

    /** The file's text, refusing bytes that are not UTF-8 (JSON files are UTF-8 by RFC 8259). */
    public static String readText(Path file) throws IOException {
        try {
            return TextFiles.read(file, StandardCharsets.UTF_8, "a JSON file must be UTF-8");
        } catch (TextFiles.NotTextException e) {
            throw new JsonFormatException(e.getMessage());
        }
    }

    /**
     * Parses {@code text} (the content of {@code source}, a file or "file:line") as one JSON
     * object.
     */
    public static JsonObject parseObject(String text, String source) throws JsonFormatException {
        JsonElement e = parse(text, source);
        if (!e.isJsonObject()) {
            throw new JsonFormatException(source + ": expected a JSON object, found " + kind(e));
        }
        return e.getAsJsonObject();
    }

    /**
     * Parses one JSON value. Leniency is kept for what Python's {@code json} and our own writer
     * produce ({@code NaN}, {@code Infinity}); the whole text must be that one value.
     */
    public static JsonElement parse(String text, String source) throws JsonFormatException {
        return parse(text, source, Strictness.LENIENT);
    }

    /**
     * Parses strict RFC 8259 JSON, as serde_json reads it: no NaN or Infinity, no comments, no
     * unquoted strings, no raw control characters in strings, no lone UTF-16 surrogates, every
     * number finite as a double, nesting no deeper than {@value #STRICT_MAX_DEPTH} (serde_json
     * stops at 128). For files handed to native code that aborts the process on what it cannot
     * parse (HF tokenizers' Rust loader does).
     */
    public static JsonElement parseStrict(String text, String source) throws JsonFormatException {
        JsonElement element = parse(text, source, Strictness.STRICT);
        requireRepresentable(element, source, new ArrayDeque<>(List.of("$")), 0);
        return element;
    }

    private static final int STRICT_MAX_DEPTH = 64;

    /**
     * Walks the tree; {@code path} holds the segments down to {@code e} and is joined only for an
     * error message (joining it at every node cost ~350 bytes of heap per byte of a file with one
     * 100,000-character key).
     */
    private static void requireRepresentable(
            JsonElement e, String source, Deque<String> path, int depth)
            throws JsonFormatException {
        if ((e.isJsonObject() || e.isJsonArray()) && depth >= STRICT_MAX_DEPTH) {
            throw new JsonFormatException(
                    source
                            + ": nested deeper than "
                            + STRICT_MAX_DEPTH
                            + " levels at "
                            + quote(String.join("", path)));
        }
        if (e.isJsonObject()) {
            for (var field : e.getAsJsonObject().entrySet()) {
                requireRepresentableString(field.getKey(), source, path);
                path.addLast("." + field.getKey());
                requireRepresentable(field.getValue(), source, path, depth + 1);
                path.removeLast();
            }
        } else if (e.isJsonArray()) {
            var array = e.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                path.addLast("[" + i + "]");
                requireRepresentable(array.get(i), source, path, depth + 1);
                path.removeLast();
            }
        } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            String number = e.getAsJsonPrimitive().getAsNumber().toString();
            double value;
            try {
                value = Double.parseDouble(number);
            } catch (NumberFormatException notANumber) {
                value = Double.NaN;
            }
            if (!Double.isFinite(value)) {
                throw new JsonFormatException(
                        source
                                + ": number "
                                + quote(number)
                                + " at "
                                + quote(String.join("", path))
                                + " is out of range");
            }
        } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            requireRepresentableString(e.getAsString(), source, path);
        }
    }

    private static void requireRepresentableString(String s, String source, Deque<String> path)
            throws JsonFormatException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired =
                    Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new JsonFormatException(
                        source
                                + ": a string at "
                                + quote(String.join("", path))
                                + " holds a lone UTF-16 surrogate");
            }
        }
    }

    private static JsonElement parse(String text, String source, Strictness strictness)
            throws JsonFormatException {
        try {
            if (text.isBlank()) {
                throw new JsonFormatException(source + ": empty, expected JSON");
            }
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(strictness);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonFormatException(
                        source + ": " + location(reader.toString()) + "more than one JSON value");
            }
            requireUniqueKeys(text, source, strictness);
            return element;
        } catch (JsonParseException | IOException | StackOverflowError e) {
            if (e instanceof JsonFormatException f) {
                throw f;
            }
            throw new JsonFormatException(source + ": " + describe(e));
        }
    }

    /**
     * Refuses an object that names a key twice: Gson's tree keeps the last value silently, so a
     * config that sets a value twice would have one of them ignored. A second pass over the text
     * that has already parsed; it keeps only the keys of the objects still open.
     */
    private static void requireUniqueKeys(String text, String source, Strictness strictness)
            throws IOException {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(strictness);
        Deque<Set<String>> open = new ArrayDeque<>();
        while (true) {
            switch (reader.peek()) {
                case BEGIN_OBJECT -> {
                    reader.beginObject();
                    open.push(new HashSet<>());
                }
                case END_OBJECT -> {
                    reader.endObject();
                    open.pop();
                }
                case BEGIN_ARRAY -> reader.beginArray();
                case END_ARRAY -> reader.endArray();
                case NAME -> {
                    String name = reader.nextName();
                    if (!open.peek().add(name)) {
                        throw new JsonFormatException(
                                source
                                        + ": "
                                        + location(reader.toString())
                                        + "the key "
                                        + quote(name)
                                        + " is given twice in one object (at "
                                        + quote(reader.getPath())
                                        + "); give each key once");
                    }
                }
                case END_DOCUMENT -> {
                    return;
                }
                default -> reader.skipValue();
            }
        }
    }

    private static String describe(Throwable e) {
        Throwable cause =
                e instanceof JsonParseException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof StackOverflowError) {
            return "invalid JSON: nested too deeply";
        }
        String message =
                cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Matcher m = LOCATION.matcher(message);
        if (!m.find()) {
            return "invalid JSON (" + firstLine(message) + ")";
        }
        String problem = m.group(1);
        if (cause instanceof java.io.EOFException || problem.startsWith("End of input")) {
            problem = "unexpected end of file (truncated?)";
        }
        return "line "
                + m.group(2)
                + ", column "
                + m.group(3)
                + ": invalid JSON: "
                + decapitalize(problem);
    }

    private static String location(String readerDescription) {
        Matcher m = Pattern.compile("at line (\\d+) column (\\d+)").matcher(readerDescription);
        return m.find() ? "line " + m.group(1) + ", column " + m.group(2) + ": " : "";
    }

    private static String firstLine(String s) {
        int newline = s.indexOf('\n');
        return newline < 0 ? s : s.substring(0, newline);
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * A string from a file, quoted for a one-line message: control characters escaped (a name with
     * a newline would break the line), anything past 80 characters cut.
     */
    public static String quote(String text) {
        return quote(text, 80);
    }

    /** As {@link #quote(String)}, cut after {@code limit} characters. */
    public static String quote(String text, int limit) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length() && i < limit; i++) {
            char c = text.charAt(i);
            out.append(
                    Character.isISOControl(c) || Character.isSurrogate(c)
                            ? String.format("\\u%04x", (int) c)
                            : String.valueOf(c));
        }
        return out.append(text.length() > limit ? "...\"" : "\"").toString();
    }

    /** "an object", "an array", "a string", ... for messages about wrong JSON types. */
    public static String kind(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        var p = e.getAsJsonPrimitive();
        return p.isBoolean() ? "a boolean" : p.isNumber() ? "a number" : "a string";
    }

    /**
     * A record or other plain object as a JSON object (enums by name, non-finite numbers allowed).
     */
    public static JsonObject toJsonTree(Object value) {
        return PRETTY.toJsonTree(value).getAsJsonObject();
    }

    /** The record or plain object {@link #toJsonTree} wrote (state files read back). */
    public static <T> T fromJsonTree(JsonElement json, Class<T> type) {
        return PRETTY.fromJson(json, type);
    }

    public static String pretty(JsonElement json) {
        return PRETTY.toJson(json) + "\n";
    }

    public static void write(Path file, JsonElement json) throws IOException {
        AtomicFiles.writeString(file, pretty(json));
    }
}
