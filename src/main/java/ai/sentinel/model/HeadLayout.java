package ai.sentinel.model;

import java.util.List;

/**
 * Which slices of which parameters belong to a head: the one place that knows a family's weight
 * layout.
 */
public interface HeadLayout {
    /** The slices of {@code head}, which must be present in the model (not removed). */
    List<HeadSlice> slices(HeadId head);
}
