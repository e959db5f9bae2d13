package ai.sentinel.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.testing.TinyModels;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class GenerationTest {
    @Test
    void greedyGenerationEqualsArgmaxOfFullRecomputation() {
        try (NDManager m = NDManager.newBaseManager();
                Gpt2Model model = TinyModels.tinyWithStrongWeights(m, 2, DataType.FLOAT32)) {
            int[] prompt = {5, 17, 42};
            SamplingConfig greedy = new SamplingConfig(0f, 0, 1f, 12, 1, false);
            int[] generated =
                    Generator.generate(model, prompt, greedy, OptionalInt.empty()).tokens();
            assertEquals(12, generated.length);
            long[] sequence = new long[prompt.length + generated.length];
            for (int i = 0; i < prompt.length; i++) {
                sequence[i] = prompt[i];
            }
            for (int i = 0; i < generated.length; i++) {
                try (NDScope scope = new NDScope()) {
                    int length = prompt.length + i;
                    NDArray ids =
                            m.create(
                                    java.util.Arrays.copyOf(sequence, length),
                                    new Shape(1, length));
                    float[] last =
                            model.forward(ids, AttentionProbe.NONE)
                                    .get(new NDIndex(0, length - 1))
                                    .toFloatArray();
                    assertEquals(TokenSampler.argMax(last), generated[i], "token " + i);
                }
                sequence[prompt.length + i] = generated[i];
            }
        }
    }

    @Test
    void batchedContinuationsEqualSeparateOnesWithPromptsOfDifferentLengthsAndEndOfText() {
        try (NDManager m = NDManager.newBaseManager();
                Gpt2Model model = TinyModels.tinyWithStrongWeights(m, 2, DataType.FLOAT32)) {
            List<int[]> prompts =
                    List.of(new int[] {5, 17, 42}, new int[] {1}, new int[] {9, 9, 3, 4, 60});
            for (SamplingConfig config :
                    List.of(
                            new SamplingConfig(0f, 0, 1f, 20, 1, false),
                            new SamplingConfig(1f, 0, 0.9f, 20, 3, true),
                            new SamplingConfig(1f, 0, 0.9f, 3, 3, true))) { // catch-up ends it
                List<Generator.Result> separate =
                        prompts.stream()
                                .map(p -> Generator.generate(model, p, config, OptionalInt.of(7)))
                                .toList();
                List<Generator.Result> batched =
                        Generator.generateAll(model, prompts, config, OptionalInt.of(7));
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(
                            separate.get(i).tokens(),
                            batched.get(i).tokens(),
                            config + ", prompt " + i);
                    assertEquals(separate.get(i).stopReason(), batched.get(i).stopReason());
                }
            }
            // a token that ends one row early while the others go on
            int stop =
                    Generator.generate(model, prompts.get(1), greedyFor(20), OptionalInt.empty())
                            .tokens()[6];
            SamplingConfig stopping = new SamplingConfig(0f, 0, 1f, 20, 1, true);
            List<Generator.Result> batched =
                    Generator.generateAll(model, prompts, stopping, OptionalInt.of(stop));
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(
                        Generator.generate(model, prompts.get(i), stopping, OptionalInt.of(stop))
                                .tokens(),
                        batched.get(i).tokens(),
                        "prompt " + i);
            }
            assertEquals(Generator.StopReason.END_OF_TEXT, batched.get(1).stopReason());
        }
    }

    private static SamplingConfig greedyFor(int tokens) {
        return new SamplingConfig(0f, 0, 1f, tokens, 1, false);
    }

    @Test
    void samplingIsSeededAndStopsAtEndOfTextOrFullContext() {
        try (NDManager m = NDManager.newBaseManager();
                Gpt2Model model = TinyModels.tinyWithStrongWeights(m, 2, DataType.FLOAT32)) {
            SamplingConfig a = new SamplingConfig(1f, 20, 0.9f, 30, 7, true);
            int[] first = Generator.generate(model, new int[] {1}, a, OptionalInt.empty()).tokens();
            assertArrayEquals(
                    first,
                    Generator.generate(model, new int[] {1}, a, OptionalInt.empty()).tokens());
            SamplingConfig b = new SamplingConfig(1f, 20, 0.9f, 30, 8, true);
            assertNotEquals(
                    java.util.Arrays.toString(first),
                    java.util.Arrays.toString(
                            Generator.generate(model, new int[] {1}, b, OptionalInt.empty())
                                    .tokens()));
            Generator.Result stopped =
                    Generator.generate(model, new int[] {1}, a, OptionalInt.of(first[3]));
            assertEquals(Generator.StopReason.END_OF_TEXT, stopped.stopReason());
            assertTrue(stopped.tokens().length <= 4);
            Generator.Result longRun =
                    Generator.generate(
                            model,
                            new int[] {1},
                            new SamplingConfig(1f, 0, 1f, 300, 1, false),
                            OptionalInt.empty());
            assertEquals(Generator.StopReason.MAX_NEW_TOKENS, longRun.stopReason());
            assertEquals(
                    300, longRun.tokens().length); // well past the 64 positions: the context slides
        }
    }

    @Test
    void pastThePositionLimitTheContextSlidesToTheLastHalfOfThePositions() {
        try (NDManager m = NDManager.newBaseManager();
                Gpt2Model model = TinyModels.tinyWithStrongWeights(m, 4, DataType.FLOAT32)) {
            int[] generated =
                    Generator.generate(
                                    model,
                                    new int[] {3, 1, 4},
                                    new SamplingConfig(0f, 0, 1f, 150, 1, false),
                                    OptionalInt.empty())
                            .tokens();
            // reference: full recomputation over the same windows (64 positions; a slide keeps the
            // last 32 tokens)
            java.util.List<Long> history = new java.util.ArrayList<>(java.util.List.of(3L, 1L, 4L));
            int windowStart = 0;
            for (int i = 0; i < generated.length; i++) {
                if (history.size() - windowStart > 64) {
                    windowStart = history.size() - 32;
                }
                long[] window =
                        history.subList(windowStart, history.size()).stream()
                                .mapToLong(Long::longValue)
                                .toArray();
                try (NDScope scope = new NDScope()) {
                    float[] last =
                            model.forward(
                                            m.create(window, new Shape(1, window.length)),
                                            AttentionProbe.NONE)
                                    .get(new NDIndex(0, window.length - 1))
                                    .toFloatArray();
                    assertEquals(TokenSampler.argMax(last), generated[i], "token " + i);
                }
                history.add((long) generated[i]);
            }
        }
    }

    @Test
    void topKAndTopPKeepOnlyTheMostLikelyTokens() {
        float[] logits = {0f, 5f, 4.9f, -3f, 1f};
        TokenSampler topOne = new TokenSampler(new SamplingConfig(1f, 1, 1f, 1, 3, false));
        TokenSampler nucleus = new TokenSampler(new SamplingConfig(1f, 0, 0.5f, 1, 3, false));
        for (int i = 0; i < 200; i++) {
            assertEquals(1, topOne.sample(logits));
            assertEquals(1, nucleus.sample(logits)); // p(1) ≈ 0.51 ≥ 0.5 alone
        }
        TokenSampler two = new TokenSampler(new SamplingConfig(1f, 2, 1f, 1, 3, false));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(two.sample(logits));
        }
        assertEquals(java.util.Set.of(1, 2), seen);
    }
}
