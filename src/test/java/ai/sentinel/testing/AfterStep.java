package ai.sentinel.testing;

import ai.sentinel.train.AdamW;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.StepHook;
import ai.sentinel.train.TrainingStep;

/**
 * A test hook that checks what a step used (its gates and the optimizer's composed per-head rates)
 * once the step has run: the rates reach the optimizer after every before-step hook.
 */
@FunctionalInterface
public interface AfterStep extends StepHook {
    void check(long step, AdamW optimizer);

    @Override
    default void beforeStep(long step, StepContext context) {}

    @Override
    default void afterStep(long step, TrainingStep.Outcome outcome, StepContext context) {
        check(step, context.optimizer());
    }
}
