package ai.sentinel.model.opt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.sentinel.io.Json;
import ai.sentinel.tokenizer.HfTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPT's tokenizer is GPT-2's byte-level BPE behind fairseq's four specials ({@code <s>} 0, {@code
 * <pad>} 1, {@code </s>} 2, {@code <unk>} 3), with a post-processor that prepends {@code </s>}.
 * Built here from the GPT-2 fixture with every id shifted by 4 (the real OPT vocabulary orders
 * tokens differently; the structure is the same).
 */
class OptTokenizerTest {
    private static final Path GPT2 = Path.of("src/test/resources/tokenizers/gpt2/tokenizer.json");
    private static final String[] SPECIALS = {"<s>", "<pad>", "</s>", "<unk>"};

    @Test
    void theTokenizersPostProcessorPrependsEndOfSequence(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, optLike(Json.readObject(GPT2)).toString());
        try (HfTokenizer opt = HfTokenizer.load(file);
                HfTokenizer gpt2 = HfTokenizer.load(GPT2)) {
            assertArrayEquals(
                    new int[] {15496, 995}, gpt2.encodePrompt("Hello world"), "GPT-2 adds nothing");
            assertArrayEquals(new int[] {2, 15496 + 4, 995 + 4}, opt.encodePrompt("Hello world"));
            assertArrayEquals(
                    new int[] {15496 + 4, 995 + 4},
                    opt.encode("Hello world"),
                    "training text: no marker");
            assertEquals(" world", opt.decode(new int[] {995 + 4}));
            assertEquals(50257 + 4, opt.vocabSize());
        }
    }

    /**
     * GPT-2's tokenizer.json with ids shifted by 4, the four specials, and a {@code </s> $A}
     * template.
     */
    private static JsonObject optLike(JsonObject gpt2) {
        JsonObject model = gpt2.getAsJsonObject("model");
        JsonObject vocab = new JsonObject();
        JsonArray added = new JsonArray();
        for (int id = 0; id < SPECIALS.length; id++) {
            vocab.addProperty(SPECIALS[id], id);
            added.add(special(id, SPECIALS[id]));
        }
        for (Map.Entry<String, JsonElement> e : model.getAsJsonObject("vocab").entrySet()) {
            vocab.addProperty(e.getKey(), e.getValue().getAsInt() + SPECIALS.length);
        }
        for (JsonElement token : gpt2.getAsJsonArray("added_tokens")) {
            JsonObject t = token.getAsJsonObject().deepCopy();
            t.addProperty("id", t.get("id").getAsInt() + SPECIALS.length);
            added.add(t);
        }
        model.add("vocab", vocab);
        gpt2.add("added_tokens", added);
        gpt2.add(
                "post_processor",
                JsonParser.parseString(
                        """
                {"type": "TemplateProcessing",
                 "single": [{"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                 "pair": [{"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                          {"Sequence": {"id": "B", "type_id": 1}}],
                 "special_tokens": {"</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}}"""));
        return gpt2;
    }

    private static JsonObject special(int id, String content) {
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
}
