package ai.sentinel.train;

import ai.sentinel.eval.EvalResult;
import java.nio.file.Path;

/** Observes a training run: progress bars, metric files, tests. Default methods do nothing. */
public interface StepListener {
    StepListener NONE = new StepListener() {};

    /**
     * Called once as a run starts, with the number of steps already done (0, or a resumed
     * checkpoint's step): anything recorded after that step belongs to a run that was cut short and
     * is about to be repeated.
     */
    default void onStart(long stepsDone) throws java.io.IOException {}

    default void onStep(StepStats stats) {}

    default void onEval(long step, EvalResult result) {}

    default void onCheckpoint(long step, Path folder) {}
}
