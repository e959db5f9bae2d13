package ai.sentinel.model;

/** {@link ConfigFuzzing} for Llama-family configs. */
class LlamaConfigFuzzTest extends ConfigFuzzing {
    @Override
    String preset() {
        return "llama-nano";
    }
}
