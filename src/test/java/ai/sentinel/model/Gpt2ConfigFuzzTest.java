package ai.sentinel.model;

/** {@link ConfigFuzzing} for GPT-2 configs. */
class Gpt2ConfigFuzzTest extends ConfigFuzzing {
    @Override
    String preset() {
        return "nano";
    }
}
