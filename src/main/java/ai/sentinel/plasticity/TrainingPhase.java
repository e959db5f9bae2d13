package ai.sentinel.plasticity;

import java.util.Locale;

/** The stretches of optimizer steps in a plasticity run. */
public enum TrainingPhase {
    /** Before the first cycle ({@code --initial-training-steps}). */
    INITIAL_TRAINING,
    /** A cycle's learning steps after growth. */
    LEARNING;

    /** The name in run files and reports. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TrainingPhase of(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
