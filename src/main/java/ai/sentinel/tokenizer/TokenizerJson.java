package ai.sentinel.tokenizer;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import ai.sentinel.io.JsonFormatException;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Assembles a byte-level BPE {@code tokenizer.json} (HF tokenizers' format) — the GPT-2 layout:
 * ByteLevel pre-tokenizer and decoder without a prefix space, a BPE model, and an optional
 * end-of-text special token. DJL's {@code newInstance(vocab, merges)} builds GPT-2 wrongly (an
 * engine fact we measured), so we write the JSON.
 */
final class TokenizerJson {
    static final String FILE = "tokenizer.json";

    private TokenizerJson() {}

    /**
     * What {@link #validate} learnt about a tokenizer.json: the id range and the end-of-text id
     * (−1: none).
     */
    record Summary(int vocabSize, int endOfText) {}

    /** From GPT-2's {@code vocab.json} and {@code merges.txt} (first line "#version" skipped). */
    static String fromVocabAndMerges(Path vocabJson, Path mergesTxt) throws IOException {
        JsonObject vocab = Json.readObject(vocabJson);
        int eos = -1;
        try {
            int size = vocab.size();
            for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
                requireId(
                        JsonFields.asInt(e.getValue(), "the id of " + Json.quote(e.getKey())),
                        size,
                        e.getKey());
            }
            eos = vocab.has("<|endoftext|>") ? vocab.get("<|endoftext|>").getAsInt() : -1;
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(
                    vocabJson + ": not a GPT-2 vocab.json: " + e.getMessage());
        }
        JsonArray merges = new JsonArray();
        List<String> lines = Files.readAllLines(mergesTxt);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#version")) {
                continue;
            }
            String[] pair = line.split(" ", -1);
            if (pair.length != 2
                    || !vocab.has(pair[0])
                    || !vocab.has(pair[1])
                    || !vocab.has(pair[0] + pair[1])) {
                throw new IOException(
                        mergesTxt
                                + ": line "
                                + (i + 1)
                                + ": a merge is two tokens of vocab.json"
                                + " separated by one space, whose concatenation is also a token");
            }
            merges.add(line);
        }
        return build(vocab, merges, eos);
    }

    /**
     * Checks in Java the syntax and structure that the native (Rust) loader needs, so a wrong or
     * truncated file gets an error naming it instead of the native library's bare "expected `,` or
     * `}`" (or an abort of the JVM): strict JSON, an object with a {@code model} object whose
     * {@code vocab} maps tokens to ids (or, for Unigram, lists [token, score] pairs) and holds its
     * {@code unk_token}, {@code added_tokens} with integer ids and string contents, and components
     * that are null or objects with a {@code type}. Ids must lie below the number of tokens, so a
     * hostile id cannot size a model bigger than the file.
     */
    static Summary validate(String text, String source) throws JsonFormatException {
        // strict: the Rust loader aborts the whole JVM on some syntax it cannot read (a panic
        // inside the decoder's deserializer on "-Infinity", found by TokenizerFuzzTest), so it
        // only ever sees plain RFC 8259 JSON
        JsonElement parsed = Json.parseStrict(text, source);
        if (!parsed.isJsonObject()) {
            throw new JsonFormatException(
                    source + ": expected a JSON object, found " + Json.kind(parsed));
        }
        JsonObject json = parsed.getAsJsonObject();
        try {
            JsonObject model = JsonFields.asObject(json.get("model"), "\"model\"");
            JsonArray added =
                    json.has("added_tokens")
                            ? JsonFields.asArray(json.get("added_tokens"), "\"added_tokens\"")
                            : new JsonArray();
            JsonElement vocab = model.get("vocab");
            int tokens =
                    Math.addExact(
                            vocab != null && vocab.isJsonArray()
                                    ? vocab.getAsJsonArray().size()
                                    : JsonFields.asObject(vocab, "\"model.vocab\"").size(),
                            added.size());
            int size =
                    vocab.isJsonArray()
                            ? unigramSize(vocab.getAsJsonArray(), tokens)
                            : mapSize(vocab, tokens);
            if (vocab.isJsonObject() && JsonFields.has(model, "unk_token")) {
                String unk = JsonFields.requireString(model, "unk_token");
                if (!vocab.getAsJsonObject().has(unk)) {
                    throw new IllegalArgumentException(
                            "model.unk_token " + Json.quote(unk) + " is not in the vocabulary");
                }
            }
            int eos = -1;
            for (int i = 0; i < added.size(); i++) {
                JsonObject token = JsonFields.asObject(added.get(i), "added_tokens[" + i + "]");
                int id = JsonFields.requireInt(token, "id");
                String content = JsonFields.requireString(token, "content");
                requireId(id, tokens, content);
                size = Math.max(size, id + 1);
                if (content.equals("<|endoftext|>")) {
                    eos = id;
                }
            }
            if (model.has("merges")) {
                for (JsonElement merge :
                        JsonFields.asArray(model.get("merges"), "\"model.merges\"")) {
                    if (!(merge.isJsonPrimitive() && merge.getAsJsonPrimitive().isString())
                            && !(merge.isJsonArray() && merge.getAsJsonArray().size() == 2)) {
                        throw new IllegalArgumentException(
                                "\"model.merges\" holds "
                                        + Json.kind(merge)
                                        + ", expected \"a b\" strings or [a, b] pairs");
                    }
                }
            }
            for (String component :
                    List.of(
                            "normalizer",
                            "pre_tokenizer",
                            "post_processor",
                            "decoder",
                            "truncation",
                            "padding")) {
                if (JsonFields.has(json, component)) {
                    JsonObject o =
                            JsonFields.asObject(json.get(component), "\"" + component + "\"");
                    if (!component.equals("truncation") && !component.equals("padding")) {
                        JsonFields.requireString(o, "type");
                    }
                }
            }
            return new Summary(size, eos);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new JsonFormatException(
                    source + ": not a Hugging Face tokenizer.json: " + e.getMessage());
        }
    }

    private static int mapSize(JsonElement vocab, int tokens) {
        int size = 0;
        for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
            int id = JsonFields.asInt(e.getValue(), "the id of " + Json.quote(e.getKey()));
            requireId(id, tokens, e.getKey());
            size = Math.max(size, id + 1);
        }
        return size;
    }

    private static int unigramSize(JsonArray vocab, int tokens) {
        for (int i = 0; i < vocab.size(); i++) {
            JsonArray pair = JsonFields.asArray(vocab.get(i), "model.vocab[" + i + "]");
            if (pair.size() != 2) {
                throw new IllegalArgumentException(
                        "model.vocab[" + i + "] must be a [token, score] pair");
            }
            JsonFields.asString(pair.get(0), "model.vocab[" + i + "][0]");
            JsonFields.asDouble(pair.get(1), "model.vocab[" + i + "][1]");
        }
        return vocab.size();
    }

    private static void requireId(int id, int tokens, String token) {
        if (id < 0 || id >= tokens) {
            throw new IllegalArgumentException(
                    "token "
                            + Json.quote(token)
                            + " has id "
                            + id
                            + ", outside 0.."
                            + (tokens - 1)
                            + " (the ids of "
                            + tokens
                            + " tokens)");
        }
    }

    /**
     * The byte-level vocabulary: token {@code b} is byte {@code b}, no merges, no special token.
     */
    static String forBytes() {
        JsonObject vocab = new JsonObject();
        for (int b = 0; b < 256; b++) {
            vocab.addProperty(String.valueOf(ByteLevel.charOf(b)), b);
        }
        return build(vocab, new JsonArray(), -1);
    }

    private static String build(JsonObject vocab, JsonArray merges, int endOfTextId) {
        JsonObject json = new JsonObject();
        json.addProperty("version", "1.0");
        json.add("truncation", null);
        json.add("padding", null);
        JsonArray added = new JsonArray();
        if (endOfTextId >= 0) {
            JsonObject eos = new JsonObject();
            eos.addProperty("id", endOfTextId);
            eos.addProperty("content", "<|endoftext|>");
            for (String flag : List.of("single_word", "lstrip", "rstrip")) {
                eos.addProperty(flag, false);
            }
            eos.addProperty("normalized", true);
            eos.addProperty("special", true);
            added.add(eos);
        }
        json.add("added_tokens", added);
        json.add("normalizer", null);
        json.add("pre_tokenizer", byteLevel(false, true));
        json.add("post_processor", byteLevel(true, false));
        json.add("decoder", byteLevel(true, true));
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", null);
        model.add("unk_token", null);
        model.addProperty("continuing_subword_prefix", "");
        model.addProperty("end_of_word_suffix", "");
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        model.add("merges", merges);
        json.add("model", model);
        return json.toString();
    }

    private static JsonObject byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", addPrefixSpace);
        o.addProperty("trim_offsets", trimOffsets);
        o.addProperty("use_regex", true);
        return o;
    }

    static Map<String, String> djlOptions() {
        // DJL's defaults truncate at 512 tokens and pad GPT-2 with "!": both must be off for
        // language modelling.
        return Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");
    }
}
