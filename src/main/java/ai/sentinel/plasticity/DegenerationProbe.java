package ai.sentinel.plasticity;

import ai.sentinel.eval.DegenerationReport;
import ai.sentinel.eval.Generator;
import ai.sentinel.eval.SamplingConfig;
import ai.sentinel.eval.WordUnits;
import ai.sentinel.model.CausalLm;
import ai.sentinel.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures how repetitive a model's text is: continues a fixed list of prompts with fixed sampling
 * settings and scores the continuations (prompts excluded) with {@link DegenerationReport}, on the
 * word units of the decoded text, so the score means the same for a byte-level and a BPE model.
 * docs/DEGENERATION.md gives the formula and the reasons for the defaults.
 *
 * <p>The default sampling is nucleus sampling (top-p 0.9, temperature 1, seed 0; Holtzman et al.
 * 2020), not greedy decoding: greedy and beam search loop even for well-trained models (Holtzman et
 * al. 2020; Welleck et al. 2020 measure a greedy seq-rep-4 many times that of human text), so a
 * greedy score would flag the unchanged baseline and could not tell damage from decoding. A model
 * whose distributions collapse onto a loop still loops under nucleus sampling, which is what the
 * limit must see. It is also a generator of its own (temperature 1, no top-k) rather than {@code
 * ValidationSamples}' report sampling, so that one does not change the other.
 */
public final class DegenerationProbe {
    /** Eight short, open-ended English prompts of different registers. */
    public static final List<String> DEFAULT_PROMPTS =
            List.of(
                    "The history of the city begins",
                    "In the morning, the committee",
                    "She opened the letter and read",
                    "The most important thing about science is",
                    "When the river flooded the valley,",
                    "Once upon a time, there was a",
                    "The report concluded that",
                    "He walked into the kitchen and");

    /**
     * Top-p 0.9 at temperature 1, 128 new tokens, seed 0, stopping at end-of-text (what follows it
     * is a new document, not a continuation).
     */
    public static final SamplingConfig DEFAULT_SAMPLING =
            new SamplingConfig(1f, 0, 0.9f, 128, 0L, true);

    /** One prompt's continuation: its generated token ids and their text. */
    public record Continuation(String prompt, int[] tokens, String text) {}

    /** The continuations, in prompt order, and their report. */
    public record Result(List<Continuation> continuations, DegenerationReport report) {}

    private final List<String> prompts;
    private final SamplingConfig sampling;

    /** Every prompt is continued with the same {@code sampling}, seed included. */
    public DegenerationProbe(List<String> prompts, SamplingConfig sampling) {
        if (prompts.isEmpty() || prompts.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("degeneration needs at least one non-empty prompt");
        }
        this.prompts = List.copyOf(prompts);
        this.sampling = sampling;
    }

    public static DegenerationProbe withDefaults() {
        return new DegenerationProbe(DEFAULT_PROMPTS, DEFAULT_SAMPLING);
    }

    public Result measure(CausalLm model, Tokenizer tokenizer) {
        List<int[]> encoded = prompts.stream().map(tokenizer::encodePrompt).toList();
        List<Generator.Result> generated =
                Generator.generateAll(model, encoded, sampling, tokenizer.endOfText());
        List<Continuation> continuations = new ArrayList<>();
        List<int[]> units = new ArrayList<>();
        WordUnits words = new WordUnits(); // one numbering for all, as pooled distinct-2 needs
        for (int i = 0; i < prompts.size(); i++) {
            int[] tokens = generated.get(i).tokens();
            String text = tokenizer.decode(tokens);
            continuations.add(new Continuation(prompts.get(i), tokens, text));
            units.add(words.ids(text));
        }
        return new Result(continuations, DegenerationReport.of(units));
    }
}
