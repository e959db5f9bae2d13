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
import java.util.Arrays;
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
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        int maxPositions = model.config().maxPositions();
        int[] history = Arrays.copyOf(prompt, prompt.length + config.maxNewTokens());
        int length = prompt.length;
        TokenSampler sampler = new TokenSampler(config);
        StopReason reason = StopReason.MAX_NEW_TOKENS;
        try (KvCache cache = model.newCache()) {
            int fed =
                    Math.max(
                            0,
                            length - maxPositions); // history[fed..length) is not yet in the cache
            while (length - prompt.length < config.maxNewTokens()) {
                if (cache.length() + (length - fed) > maxPositions) {
                    cache.clear(); // slide: keep the last half of the positions
                    fed = length - Math.max(1, maxPositions / 2);
                }
                int token =
                        nextToken(model, cache, Arrays.copyOfRange(history, fed, length), sampler);
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

    private static int nextToken(
            CausalLm model, KvCache cache, int[] newTokens, TokenSampler sampler) {
        try (NDScope scope = new NDScope()) {
            long[] ids = Arrays.stream(newTokens).asLongStream().toArray();
            NDArray logits =
                    model.forward(
                            EngineArrays.of(model.manager(), ids, new Shape(1, ids.length)),
                            cache,
                            AttentionProbe.NONE); // (1, T, V)
            return sampler.sample(
                    logits.get(new NDIndex(0, ids.length - 1))
                            .toType(DataType.FLOAT32, false)
                            .toFloatArray());
        }
    }
}
