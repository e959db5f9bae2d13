package ai.sentinel.plasticity;

import ai.sentinel.data.TextDataset;
import ai.sentinel.model.CausalLm;
import java.util.function.Consumer;

/**
 * Makes the controller of one training run (a {@code train} run, or one learning phase of a cycle),
 * so that the cycle can use a controller without knowing which.
 */
@FunctionalInterface
public interface ControllerFactory {
    /**
     * @param data validation batches for the controller's measurements come from here
     * @param cycle the cycle the run belongs to (0 for {@code train})
     * @param firstStep the run-wide step of the run's first step, added to event steps
     * @param events where decisions, snapshots and intervals go
     * @param seed the run's seed
     */
    HeadController create(
            CausalLm model,
            TextDataset data,
            int cycle,
            long firstStep,
            Consumer<RunEvent> events,
            long seed);
}
