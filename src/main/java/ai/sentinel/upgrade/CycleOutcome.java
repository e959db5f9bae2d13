package ai.sentinel.upgrade;

import java.util.List;

/**
 * What one upgrade cycle did and whether it was kept.
 *
 * @param perplexityBefore validation perplexity at the cycle's start
 * @param perplexityPruned right after pruning
 * @param perplexityAfter after growth and learning
 * @param degenerationPruned the degeneration score right after pruning
 * @param degenerationAfter the degeneration score after learning
 * @param activeBefore active heads at the start
 * @param activeAfter active heads at the end (before any rollback)
 * @param reason why it was rolled back, or "accepted"
 */
public record CycleOutcome(
        int cycle,
        Proposal proposal,
        double perplexityBefore,
        double perplexityPruned,
        double perplexityAfter,
        double degenerationPruned,
        double degenerationAfter,
        int activeBefore,
        int activeAfter,
        int totalHeads,
        List<String> prunedHeads,
        List<String> grownHeads,
        boolean accepted,
        String reason,
        double seconds) {
    public CycleOutcome {
        prunedHeads = List.copyOf(prunedHeads);
        grownHeads = List.copyOf(grownHeads);
    }

    /** Relative perplexity change over the cycle (0.05 = 5% worse). */
    public double perplexityChange() {
        return perplexityAfter / perplexityBefore - 1;
    }

    /** Heads the cycle took out of use, net, as a share of all heads. */
    public double headsSaved() {
        return (activeBefore - activeAfter) / (double) totalHeads;
    }
}
