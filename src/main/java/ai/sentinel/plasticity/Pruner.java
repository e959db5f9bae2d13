package ai.sentinel.plasticity;

import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadRemap;
import java.util.Collection;
import java.util.List;

/** Applies a pruning decision: the only code that masks or removes heads for pruning. */
public final class Pruner {
    private Pruner() {}

    /**
     * Masks (adaptive) or removes (compressed) {@code heads}. Returns the re-layouts of compressed
     * pruning, for the optimizer to follow; adaptive pruning changes no shapes (its heads are
     * frozen by {@link HeadSchedule}).
     */
    public static List<HeadRemap> prune(CausalLm model, Collection<HeadId> heads, PruneMode mode) {
        return switch (mode) {
            case ADAPTIVE -> {
                heads.forEach(h -> model.gates().setMasked(h, true));
                yield List.of();
            }
            case COMPRESSED -> model.removeHeads(heads);
        };
    }
}
