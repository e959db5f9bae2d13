package ai.sentinel.plasticity;

/** What pruning does to a head. */
public enum PruneMode {
    /** The mask is set and the weights kept, frozen: the head can be revived later. */
    ADAPTIVE,
    /** The head's slices are removed: matrices, parameters and FLOPs really shrink. */
    COMPRESSED
}
