package ai.sentinel.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Assembles a byte-level BPE {@code tokenizer.json} (HF tokenizers' format) — the GPT-2 layout: ByteLevel
 * pre-tokenizer and decoder without a prefix space, a BPE model, and an optional end-of-text special token.
 * DJL's {@code newInstance(vocab, merges)} builds GPT-2 wrongly (an engine fact we measured), so we write the JSON.
 */
final class TokenizerJson {
    static final String FILE = "tokenizer.json";

    private TokenizerJson() {}

    /** From GPT-2's {@code vocab.json} and {@code merges.txt} (first line "#version" skipped). */
    static String fromVocabAndMerges(Path vocabJson, Path mergesTxt) throws IOException {
        JsonObject vocab = JsonParser.parseString(Files.readString(vocabJson)).getAsJsonObject();
        JsonArray merges = new JsonArray();
        for (String line : Files.readAllLines(mergesTxt)) {
            if (!line.isBlank() && !line.startsWith("#version")) {
                merges.add(line);
            }
        }
        int eos = vocab.has("<|endoftext|>") ? vocab.get("<|endoftext|>").getAsInt() : -1;
        return build(vocab, merges, eos);
    }

    /** The byte-level vocabulary: token {@code b} is byte {@code b}, no merges, no special token. */
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
        // DJL's defaults truncate at 512 tokens and pad GPT-2 with "!": both must be off for language modelling.
        return Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");
    }
}
