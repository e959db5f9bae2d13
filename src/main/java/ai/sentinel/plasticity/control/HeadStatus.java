package ai.sentinel.plasticity.control;

/**
 * Where a head stands for the threshold rules: active, pruned (masked, weights kept) for a number
 * of completed controller intervals, or removed by compressed pruning (never revived).
 */
public record HeadStatus(State state, int prunedIntervals) {
    public enum State {
        ACTIVE,
        PRUNED,
        REMOVED
    }

    public static final HeadStatus ACTIVE = new HeadStatus(State.ACTIVE, 0);
    public static final HeadStatus REMOVED = new HeadStatus(State.REMOVED, 0);

    public HeadStatus {
        if (prunedIntervals < 0 || state != State.PRUNED && prunedIntervals != 0) {
            throw new IllegalArgumentException(
                    "a " + state + " head cannot have been pruned for " + prunedIntervals);
        }
    }

    /** Pruned, and measured at {@code intervals} controller intervals since. */
    public static HeadStatus pruned(int intervals) {
        return new HeadStatus(State.PRUNED, intervals);
    }

    public boolean isActive() {
        return state == State.ACTIVE;
    }

    public boolean isPruned() {
        return state == State.PRUNED;
    }
}
