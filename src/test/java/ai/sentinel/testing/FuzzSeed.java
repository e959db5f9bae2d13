package ai.sentinel.testing;

/**
 * The seed every fuzzing property starts from, so that the normal suite (250 tries) and the fuzz
 * profile (10,000) generate the same inputs on every run and machine: a failure in CI is one a
 * developer can replay, never luck. Change it to explore other inputs; a new failure is a defect to
 * fix, not a seed to avoid.
 */
public final class FuzzSeed {
    public static final String SEED = "20261202";

    private FuzzSeed() {}
}
