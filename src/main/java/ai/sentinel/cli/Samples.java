package ai.sentinel.cli;

import ai.sentinel.data.Batch;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.Generator;
import ai.sentinel.eval.SamplingConfig;
import ai.sentinel.plasticity.PlasticityCycle;
import ai.sentinel.tokenizer.Tokenizer;
import java.util.List;

/** Sample generations for run reports: the start of the validation text, continued with a fixed seed. */
final class Samples {
    private Samples() {}

    static PlasticityCycle.Sampler continuingValidation(Tokenizer tokenizer, TextDataset dataset, int tokens,
            long seed) {
        if (tokens == 0) {
            return m -> List.of();
        }
        long[] start = Batch.of(dataset.validation(), new int[] {0}).inputs();
        int[] prompt = new int[Math.min(24, start.length)];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = (int) start[i];
        }
        SamplingConfig sampling = new SamplingConfig(0.8f, 40, 0.95f, tokens, seed, true);
        return m -> List.of(tokenizer.decode(prompt) + tokenizer.decode(
                Generator.generate(m, prompt, sampling, tokenizer.endOfText()).tokens()));
    }
}
