package ai.sentinel.train;

/**
 * Runs around each optimizer step, outside any scope and gradient collector: the place to change
 * gates, masks or per-head learning rates as training proceeds, and to read what the step measured.
 */
@FunctionalInterface
public interface StepHook {
    /**
     * Before the step's forward pass. Per-head rate multipliers set on {@code context.rates()} here
     * reach the optimizer before this step's update.
     *
     * @param step the 0-based index of the step about to run
     */
    void beforeStep(long step, StepContext context);

    /**
     * After the step's update, with what it measured: its loss and the raw {@code ∂L/∂g} of every
     * head gate from the step's own backward pass (no extra pass).
     *
     * @param step the 0-based index of the step that just ran
     */
    default void afterStep(long step, TrainingStep.Outcome outcome, StepContext context) {}
}
