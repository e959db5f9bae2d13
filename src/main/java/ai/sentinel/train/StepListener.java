package ai.sentinel.train;

import ai.sentinel.eval.EvalResult;
import java.nio.file.Path;

/** Observes a training run: progress bars, metric files, tests. Default methods do nothing. */
public interface StepListener {
    StepListener NONE = new StepListener() {};

    default void onStep(StepStats stats) {}

    default void onEval(long step, EvalResult result) {}

    default void onCheckpoint(long step, Path folder) {}
}
