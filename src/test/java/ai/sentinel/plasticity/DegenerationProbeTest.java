package ai.sentinel.plasticity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.eval.DegenerationReport;
import ai.sentinel.eval.SamplingConfig;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.tokenizer.ByteTokenizer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DegenerationProbeTest {
    private static final Gpt2Config BYTES = Gpt2Config.of(256, 64, 2, 4, 32); // tiny, byte vocab
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static final List<String> PROMPTS = List.of("The cat", "In the morning,", "She read");

    @Test
    void theSameSeedGivesTheSameContinuationsAndScoreAnotherSeedOthers() {
        try (NDManager m = NDManager.newBaseManager();
                Gpt2Model model = Gpt2Model.initialize(BYTES, m, 3)) {
            DegenerationProbe.Result first = probe(40, 11).measure(model, TOKENIZER);
            DegenerationProbe.Result again = probe(40, 11).measure(model, TOKENIZER);
            DegenerationProbe.Result other = probe(40, 12).measure(model, TOKENIZER);
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertArrayEquals(
                        first.continuations().get(i).tokens(),
                        again.continuations().get(i).tokens());
            }
            assertEquals(first.report(), again.report());
            assertNotEquals(
                    Arrays.toString(first.continuations().get(0).tokens()),
                    Arrays.toString(other.continuations().get(0).tokens()));
        }
    }

    @Test
    void continuationsFollowThePromptsAndLeaveThemOut() {
        try (NDManager m = NDManager.newBaseManager();
                Gpt2Model model = Gpt2Model.initialize(BYTES, m, 3)) {
            DegenerationProbe.Result result = probe(40, 11).measure(model, TOKENIZER);
            assertEquals(PROMPTS.size(), result.continuations().size());
            assertEquals(PROMPTS.size(), result.report().continuations().size());
            for (int i = 0; i < PROMPTS.size(); i++) {
                DegenerationProbe.Continuation c = result.continuations().get(i);
                assertEquals(PROMPTS.get(i), c.prompt());
                assertEquals(40, c.tokens().length); // bytes have no end-of-text: all 40 come
                assertEquals(TOKENIZER.decode(c.tokens()), c.text());
            }
        }
    }

    @Test
    void greedyDecodingOfARandomModelLoopsAndScoresAboveTheLimitNucleusSamplingDoesNot() {
        try (NDManager m = NDManager.newBaseManager();
                Gpt2Model model = Gpt2Model.initialize(BYTES, m, 3)) {
            SamplingConfig greedy = new SamplingConfig(0f, 0, 1f, 200, 0, true);
            DegenerationReport looping =
                    new DegenerationProbe(PROMPTS, greedy).measure(model, TOKENIZER).report();
            assertTrue(looping.score() > 8, "greedy score " + looping.score()); // measured 9.85
            DegenerationReport sampled =
                    DegenerationProbe.withDefaults().measure(model, TOKENIZER).report();
            // measured 1.64: random bytes, many of them U+FFFD after decoding, which repeats
            assertTrue(
                    sampled.score() < DegenerationReport.DEFAULT_LIMIT,
                    "nucleus score " + sampled.score());
        }
    }

    @Test
    void promptsMustBeGiven() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new DegenerationProbe(List.of(), DegenerationProbe.DEFAULT_SAMPLING));
        assertThrows(
                IllegalArgumentException.class,
                () -> new DegenerationProbe(List.of(""), DegenerationProbe.DEFAULT_SAMPLING));
    }

    private static DegenerationProbe probe(int tokens, long seed) {
        return new DegenerationProbe(PROMPTS, new SamplingConfig(1f, 0, 0.9f, tokens, seed, true));
    }
}
