package ai.sentinel.plasticity;

import ai.sentinel.model.HeadId;
import java.util.List;

/** Orders pruned heads by how much growing each back should help, best first. Pure. */
@FunctionalInterface
public interface GrowthStrategy {
    List<HeadId> rank(GrowthInputs inputs);
}
