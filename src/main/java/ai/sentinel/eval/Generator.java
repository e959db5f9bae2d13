package ai.sentinel.eval;

import ai.sentinel.nn.EngineArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.KvCache;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Autoregressive generation with the key/value cache: the prompt is processed once, then each new token costs one
 * single-position forward pass. Stops at {@code maxNewTokens}, at end-of-text (when asked), or when the model's
 * positions are full.
 */
public final class Generator {
    /** The generated ids (prompt excluded) and why generation stopped. */
    public record Result(int[] tokens, StopReason stopReason) {}

    /** Why generation stopped. */
    public enum StopReason {
        MAX_NEW_TOKENS,
        END_OF_TEXT,
        CONTEXT_FULL
    }

    private Generator() {}

    public static Result generate(CausalLm model, int[] prompt, SamplingConfig config, OptionalInt endOfText) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        int maxPositions = model.config().maxPositions();
        if (prompt.length > maxPositions) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the model's "
                    + maxPositions + " positions");
        }
        TokenSampler sampler = new TokenSampler(config);
        int[] out = new int[config.maxNewTokens()];
        int count = 0;
        StopReason reason = StopReason.MAX_NEW_TOKENS;
        try (KvCache cache = model.newCache()) {
            long[] next = Arrays.stream(prompt).asLongStream().toArray();
            while (count < config.maxNewTokens()) {
                if (cache.length() + next.length > maxPositions) {
                    reason = StopReason.CONTEXT_FULL;
                    break;
                }
                int token;
                try (NDScope scope = new NDScope()) {
                    NDArray ids = EngineArrays.of(model.manager(), next, new Shape(1, next.length)); // (1, T)
                    NDArray logits = model.forward(ids, cache, AttentionProbe.NONE); // (1, T, V)
                    token = sampler.sample(logits.get(new NDIndex(0, next.length - 1)).toType(
                            ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
                }
                out[count++] = token;
                if (config.stopAtEndOfText() && endOfText.isPresent() && token == endOfText.getAsInt()) {
                    reason = StopReason.END_OF_TEXT;
                    break;
                }
                next = new long[] {token};
            }
        }
        return new Result(Arrays.copyOf(out, count), reason);
    }
}
