package ai.sentinel.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.sentinel.io.Json;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Llama's tokenizer, in the structure its tokenizer.json has: a SentencePiece-style BPE (a {@code
 * ▁} for spaces, byte fallback) whose post-processor puts {@code <s>} first. Text round-trips, and
 * prompts get the special token the file says, training text none. (OPT's is in {@code
 * model.opt.OptTokenizerTest}.)
 */
class FamilyTokenizerTest {
    private static final String TEXT = "Hello world,  twice:\tüñí — 123\n";

    /** A template post-processor that puts {@code token} (id {@code id}) before the sequence. */
    private static JsonObject prepending(String token, int id) {
        return JsonParser.parseString(
                        """
                {"type": "TemplateProcessing",
                 "single": [{"SpecialToken": {"id": "%1$s", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                 "pair": [{"SpecialToken": {"id": "%1$s", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                          {"Sequence": {"id": "B", "type_id": 1}}],
                 "special_tokens": {"%1$s": {"id": "%1$s", "ids": [%2$d], "tokens": ["%1$s"]}}}
                """
                                .formatted(token, id))
                .getAsJsonObject();
    }

    private static JsonObject addedToken(String content, int id) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", content);
        t.addProperty("single_word", false);
        t.addProperty("lstrip", false);
        t.addProperty("rstrip", false);
        t.addProperty("normalized", false);
        t.addProperty("special", true);
        return t;
    }

    @Test
    void llamaPromptsStartWithBeginningOfSentenceAndTextRoundTripsThroughByteFallback(
            @TempDir Path dir) throws IOException {
        JsonObject vocab = new JsonObject();
        vocab.addProperty("<unk>", 0);
        vocab.addProperty("<s>", 1);
        vocab.addProperty("</s>", 2);
        for (int b = 0; b < 256; b++) {
            vocab.addProperty(String.format("<0x%02X>", b), 3 + b);
        }
        String[] pieces = {
            "▁", "H", "e", "l", "o", "w", "r", "d", "ll", "▁w", "He", "Hell", "Hello"
        };
        for (int i = 0; i < pieces.length; i++) {
            vocab.addProperty(pieces[i], 259 + i);
        }
        JsonArray merges = new JsonArray();
        for (String m : new String[] {"l l", "▁ w", "H e", "He ll", "Hell o"}) {
            merges.add(m);
        }
        JsonObject json =
                JsonParser.parseString(
                                """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                     {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
                 "pre_tokenizer": null,
                 "decoder": {"type": "Sequence", "decoders": [
                     {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
                     {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
                 "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null,
                     "end_of_word_suffix": null, "fuse_unk": true, "byte_fallback": true}}
                """)
                        .getAsJsonObject();
        json.getAsJsonObject("model").add("vocab", vocab);
        json.getAsJsonObject("model").add("merges", merges);
        JsonArray added = json.getAsJsonArray("added_tokens");
        added.add(addedToken("<unk>", 0));
        added.add(addedToken("<s>", 1));
        added.add(addedToken("</s>", 2));
        json.add("post_processor", prepending("<s>", 1));
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, Json.pretty(json));
        try (HfTokenizer llama = HfTokenizer.load(file)) {
            int[] ids = llama.encode(TEXT);
            assertEquals(TEXT, llama.decode(ids));
            assertEquals(
                    271,
                    ids[1],
                    "'Hello' merged into one piece after the ▁: " + Arrays.toString(ids));
            int[] prompt = llama.encodePrompt(TEXT);
            assertEquals(1, prompt[0]);
            assertArrayEquals(ids, Arrays.copyOfRange(prompt, 1, prompt.length));
        }
    }
}
