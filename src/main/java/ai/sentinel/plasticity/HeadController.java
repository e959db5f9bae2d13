package ai.sentinel.plasticity;

import ai.sentinel.train.StatefulHook;
import ai.sentinel.train.StepContext;

/**
 * Prunes and revives heads while the model trains: a step hook whose state (counters, learned gate
 * logits, λ) is saved in checkpoints, writing each decision and its numbers as {@link RunEvent}s.
 * Controllers are chosen by name ({@code --controller}); each lives in {@code plasticity.control}.
 */
public interface HeadController extends StatefulHook {
    /** The name {@code --controller} takes. */
    String name();

    /**
     * Called once after the run's last step (not after a stop that will be resumed): for example
     * the learned controller makes its gates binary here.
     */
    default void finish(StepContext context) {}
}
