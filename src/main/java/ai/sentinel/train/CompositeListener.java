package ai.sentinel.train;

import ai.sentinel.eval.EvalResult;
import java.nio.file.Path;
import java.util.List;

/** Forwards every event to several listeners, in order. */
public record CompositeListener(List<StepListener> listeners) implements StepListener {
    public static StepListener of(StepListener... listeners) {
        return new CompositeListener(List.of(listeners));
    }

    @Override
    public void onStart(long stepsDone) throws java.io.IOException {
        for (StepListener l : listeners) {
            l.onStart(stepsDone);
        }
    }

    @Override
    public void onStep(StepStats stats) {
        listeners.forEach(l -> l.onStep(stats));
    }

    @Override
    public void onEval(long step, EvalResult result) {
        listeners.forEach(l -> l.onEval(step, result));
    }

    @Override
    public void onCheckpoint(long step, Path folder) {
        listeners.forEach(l -> l.onCheckpoint(step, folder));
    }
}
