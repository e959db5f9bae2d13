package ai.sentinel.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.KvCache;
import ai.sentinel.nn.EngineArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Autoregressive generation with the key/value cache: the prompt is processed once, then each new
 * token costs one single-position forward pass. When the model's positions are full, the context
 * slides: the cache is rebuilt from the last half of the positions (as nanoGPT crops its context),
 * so generation can run past the position limit. Stops at {@code maxNewTokens} or at end-of-text
 * (when asked).
 */
public final class Generator {
    /** The generated ids (prompt excluded) and why generation stopped. */
    public record Result(int[] tokens, StopReason stopReason) {}

    /** Why generation stopped. */
    public enum StopReason {
        MAX_NEW_TOKENS,
        END_OF_TEXT
    }

    private Generator() {}

    public static Result generate(
            CausalLm model, int[] prompt, SamplingConfig config, OptionalInt endOfText) {
        return generate(
                model, prompt, config.maxNewTokens(), new TokenSampler(config), config, endOfText);
    }

    /**
     * Continues every prompt as {@link #generate} would, each with its own sampler seeded by {@code
     * config}, decoding them as one batch: a step reads the weights once for all rows, which for
     * eight prompts took a fifth of the time of eight separate decodings (bench/RESULTS.md).
     * Shorter prompts are first continued alone up to the longest one's length, so every row then
     * has the same positions and needs no padding; a row that has stopped is still computed (the
     * batch keeps its shape) but gains no tokens. Tokens equal the separate decodings' except where
     * batched arithmetic moves a probability across a sampling boundary (rounding in the last
     * place). When the prompts and new tokens exceed the model's positions, each prompt is decoded
     * separately, sliding its context.
     */
    public static List<Result> generateAll(
            CausalLm model, List<int[]> prompts, SamplingConfig config, OptionalInt endOfText) {
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        if (prompts.size() < 2 || longest + config.maxNewTokens() > model.config().maxPositions()) {
            return prompts.stream().map(p -> generate(model, p, config, endOfText)).toList();
        }
        int rows = prompts.size();
        TokenSampler[] samplers = new TokenSampler[rows];
        int[][] history = new int[rows][];
        int[] length = new int[rows];
        StopReason[] reasons = new StopReason[rows];
        List<Integer> decoding = new ArrayList<>(); // rows still generating
        for (int r = 0; r < rows; r++) {
            int[] prompt = prompts.get(r);
            samplers[r] = new TokenSampler(config);
            int catchUp = Math.min(longest - prompt.length, config.maxNewTokens());
            Result alone = generate(model, prompt, catchUp, samplers[r], config, endOfText);
            history[r] = Arrays.copyOf(prompt, prompt.length + config.maxNewTokens());
            System.arraycopy(alone.tokens(), 0, history[r], prompt.length, alone.tokens().length);
            length[r] = prompt.length + alone.tokens().length;
            reasons[r] = alone.stopReason();
            if (alone.stopReason() == StopReason.MAX_NEW_TOKENS
                    && length[r] - prompt.length < config.maxNewTokens()) {
                decoding.add(r);
            }
        }
        if (!decoding.isEmpty()) {
            decodeTogether(
                    model, decoding, history, length, prompts, samplers, reasons, config,
                    endOfText);
        }
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int start = prompts.get(r).length;
            results.add(new Result(Arrays.copyOfRange(history[r], start, length[r]), reasons[r]));
        }
        return results;
    }

    /**
     * Decodes {@code rows}, whose histories have one length: their histories in one forward pass,
     * then one position per row and step. A stopped row is fed its last token again, unkept.
     */
    private static void decodeTogether(
            CausalLm model,
            List<Integer> rows,
            int[][] history,
            int[] length,
            List<int[]> prompts,
            TokenSampler[] samplers,
            StopReason[] reasons,
            SamplingConfig config,
            OptionalInt endOfText) {
        int batch = rows.size();
        int width = length[rows.get(0)]; // positions fed in the first step
        long[] ids = new long[batch * width];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < width; t++) {
                ids[b * width + t] = history[rows.get(b)][t];
            }
        }
        boolean[] stopped = new boolean[batch];
        int going = batch;
        try (KvCache cache = model.newCache()) {
            while (going > 0) {
                float[] last = lastLogits(model, cache, ids, batch, width); // (batch × V)
                int vocab = last.length / batch;
                long[] next = new long[batch];
                for (int b = 0; b < batch; b++) {
                    int r = rows.get(b);
                    next[b] = history[r][length[r] - 1];
                    if (stopped[b]) {
                        continue;
                    }
                    int token =
                            samplers[r].sample(
                                    Arrays.copyOfRange(last, b * vocab, (b + 1) * vocab));
                    history[r][length[r]++] = token;
                    next[b] = token;
                    boolean endOfTextReached =
                            config.stopAtEndOfText()
                                    && endOfText.isPresent()
                                    && token == endOfText.getAsInt();
                    if (endOfTextReached) {
                        reasons[r] = StopReason.END_OF_TEXT;
                    }
                    if (endOfTextReached
                            || length[r] - prompts.get(r).length == config.maxNewTokens()) {
                        stopped[b] = true;
                        going--;
                    }
                }
                ids = next;
                width = 1;
            }
        }
    }

    private static Result generate(
            CausalLm model,
            int[] prompt,
            int maxNewTokens,
            TokenSampler sampler,
            SamplingConfig config,
            OptionalInt endOfText) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        int maxPositions = model.config().maxPositions();
        int[] history = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int length = prompt.length;
        StopReason reason = StopReason.MAX_NEW_TOKENS;
        try (KvCache cache = model.newCache()) {
            int fed =
                    Math.max(
                            0,
                            length - maxPositions); // history[fed..length) is not yet in the cache
            while (length - prompt.length < maxNewTokens) {
                if (cache.length() + (length - fed) > maxPositions) {
                    cache.clear(); // slide: keep the last half of the positions
                    fed = length - Math.max(1, maxPositions / 2);
                }
                long[] ids = Arrays.stream(history, fed, length).asLongStream().toArray();
                int token = sampler.sample(lastLogits(model, cache, ids, 1, ids.length));
                fed = length;
                history[length++] = token;
                if (config.stopAtEndOfText()
                        && endOfText.isPresent()
                        && token == endOfText.getAsInt()) {
                    reason = StopReason.END_OF_TEXT;
                    break;
                }
            }
        }
        return new Result(Arrays.copyOfRange(history, prompt.length, length), reason);
    }

    /** Feeds (rows, newLength) ids through the cache; each row's last logits, row after row. */
    private static float[] lastLogits(
            CausalLm model, KvCache cache, long[] ids, int rows, int newLength) {
        try (NDScope scope = new NDScope()) {
            NDArray logits =
                    model.forward(
                            EngineArrays.of(model.manager(), ids, new Shape(rows, newLength)),
                            cache,
                            AttentionProbe.NONE); // (rows, T, V)
            return logits.get(new NDIndex(":, " + (newLength - 1)))
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();
        }
    }
}
