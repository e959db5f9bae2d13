package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.eval.Generator;
import ai.sentinel.eval.SamplingConfig;
import ai.sentinel.model.CausalLm;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Continue a prompt with a model, using the key/value cache.",
        footer = {
            "",
            "Examples:",
            "  sentinel generate -m runs/nano/model --prompt \"ROMEO:\" --max-new-tokens 200",
            "  sentinel generate -m runs/nano/model --prompt \"To be\" --temperature 0   (greedy)"
        })
final class GenerateCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Option(
            names = "--prompt",
            defaultValue = "\n",
            description = "Text to continue. Default: a newline.")
    String prompt;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "200",
            description = "Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(
            names = "--temperature",
            defaultValue = "0.8",
            description = "0 = greedy. Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(
            names = "--top-k",
            defaultValue = "40",
            description = "0 = off. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(
            names = "--top-p",
            defaultValue = "0.95",
            description = "Nucleus mass, (0, 1]. Default: ${DEFAULT-VALUE}.")
    float topP;

    @Mixin CommonOptions.Seed seedOption;

    @Option(names = "--ignore-end-of-text", description = "Keep going past the end-of-text token.")
    boolean ignoreEndOfText;

    @Override
    public Integer call() throws IOException {
        SamplingConfig sampling =
                new SamplingConfig(
                        temperature, topK, topP, maxNewTokens, seedOption.seed, !ignoreEndOfText);
        Tokenizer tokenizer = model.loadTokenizer();
        int[] promptIds = tokenizer.encodePrompt(prompt);
        try (NDManager manager = model.newManager();
                CausalLm lm = model.load(manager, tokenizer, seedOption.seed)) {
            long t0 = System.nanoTime();
            Generator.Result result =
                    Generator.generate(lm, promptIds, sampling, tokenizer.endOfText());
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.println(prompt + tokenizer.decode(result.tokens()));
            System.err.printf(
                    "%d tokens in %.2f s (%.1f tokens/s), stopped: %s%n",
                    result.tokens().length,
                    seconds,
                    result.tokens().length / seconds,
                    result.stopReason().name().toLowerCase().replace('_', ' '));
        }
        return 0;
    }
}
