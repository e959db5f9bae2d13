package ai.sentinel.plasticity;

import ai.sentinel.model.HeadId;
import java.util.List;

/**
 * One cycle's stages and decisions. {@code recovery = (ppl_pruned − ppl_final)/(ppl_pruned − ppl_baseline)}: 1 when
 * learning brought perplexity back to the baseline, above 1 when it went below; NaN when pruning did not change
 * perplexity (nothing to recover).
 */
public record CycleResult(int cycle, StageResult baseline, StageResult pruned, StageResult grown, StageResult last,
        List<HeadId> prunedHeads, List<HeadId> grownHeads) {
    public double recovery() {
        double lost = pruned.perplexity() - baseline.perplexity();
        return lost == 0 ? Double.NaN : (pruned.perplexity() - last.perplexity()) / lost;
    }
}
