package ai.sentinel.plasticity;

import ai.sentinel.data.Batch;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.Generator;
import ai.sentinel.eval.SamplingConfig;
import ai.sentinel.tokenizer.Tokenizer;
import java.util.List;

/**
 * Sample generations for run reports: the start of the validation text, continued with a fixed
 * seed.
 */
public final class ValidationSamples {
    private ValidationSamples() {}

    /**
     * Continues the first 24 tokens of the validation split by {@code tokens} sampled tokens (none
     * when 0).
     */
    public static PlasticityCycle.Sampler continuingValidation(
            Tokenizer tokenizer, TextDataset dataset, int tokens, long seed) {
        if (tokens == 0) {
            return m -> List.of();
        }
        long[] start = Batch.of(dataset.validation(), new int[] {0}).inputs();
        int[] prompt = new int[Math.min(24, start.length)];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = (int) start[i];
        }
        SamplingConfig sampling = new SamplingConfig(0.8f, 40, 0.95f, tokens, seed, true);
        return m ->
                List.of(
                        tokenizer.decode(prompt)
                                + tokenizer.decode(
                                        Generator.generate(
                                                        m, prompt, sampling, tokenizer.endOfText())
                                                .tokens()));
    }
}
