package ai.sentinel.train;

import com.google.gson.JsonObject;

/**
 * A step hook whose state changes as it runs (a controller's counters, a growth schedule's
 * position): the trainer writes it into each checkpoint and restores it on resume, so a resumed run
 * ends as one that never stopped. The JSON exists only at the file boundary; implementations keep
 * typed state.
 */
public interface StatefulHook extends StepHook {
    /**
     * A name unique among the run's hooks, used as the state's file name in the checkpoint ({@code
     * hooks/<name>.json}): letters, digits, '-' and '_'.
     */
    String stateName();

    JsonObject saveState();

    /**
     * Restores what {@link #saveState} wrote; a malformed state is an {@link
     * IllegalArgumentException} naming the key.
     */
    void restoreState(JsonObject state);
}
