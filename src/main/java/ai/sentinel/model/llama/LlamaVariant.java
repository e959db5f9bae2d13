package ai.sentinel.model.llama;

import ai.sentinel.io.Json;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Hugging Face model types that share Llama's architecture, with the class name each writes.
 */
public enum LlamaVariant {
    LLAMA("LlamaForCausalLM"),
    /** Qwen2: biases on q, k and v (none on o_proj or the MLP); an optional sliding window. */
    QWEN2("Qwen2ForCausalLM"),
    /** Mistral: no biases; an optional sliding window. */
    MISTRAL("MistralForCausalLM");

    private final String architecture;

    LlamaVariant(String architecture) {
        this.architecture = architecture;
    }

    public String modelType() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String architecture() {
        return architecture;
    }

    static LlamaVariant of(String modelType) {
        return Arrays.stream(values())
                .filter(v -> v.modelType().equals(modelType))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "model_type "
                                                + Json.quote(modelType)
                                                + " is not a Llama-family model (accepted: llama, qwen2, mistral)"));
    }
}
