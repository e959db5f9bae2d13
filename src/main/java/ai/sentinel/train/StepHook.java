package ai.sentinel.train;

/**
 * Runs before each optimizer step, outside any scope and gradient collector: the place to change
 * gates or learning-rate scales as training proceeds.
 */
@FunctionalInterface
public interface StepHook {
    /**
     * @param step the 0-based index of the step about to run
     */
    void beforeStep(long step, AdamW optimizer);
}
