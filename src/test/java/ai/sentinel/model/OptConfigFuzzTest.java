package ai.sentinel.model;

/** {@link ConfigFuzzing} for OPT configs. */
class OptConfigFuzzTest extends ConfigFuzzing {
    @Override
    String preset() {
        return "opt-nano";
    }
}
