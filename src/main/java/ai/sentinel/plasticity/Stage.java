package ai.sentinel.plasticity;

import java.util.List;
import java.util.Locale;

/** The moments at which a plasticity run evaluates the model and records its head map. */
public enum Stage {
    /** Before initial training (cycle 0), when the run trains first. */
    INITIAL,
    /** The start of a cycle, before anything is pruned. */
    BASELINE,
    /** Right after pruning. */
    PRUNED,
    /** Right after growth, before any learning. */
    GROWN,
    /** After the cycle's learning steps. */
    FINAL;

    /** The stages of every cycle, in order. */
    public static final List<Stage> CYCLE = List.of(BASELINE, PRUNED, GROWN, FINAL);

    /** The name in run files and reports. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Stage of(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
