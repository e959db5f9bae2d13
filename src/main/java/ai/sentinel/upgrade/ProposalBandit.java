package ai.sentinel.upgrade;

import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.plasticity.PruningMethod;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses each cycle's transformation with an upper-confidence bandit (UCB1) over a fixed grid:
 * pruning strategy (entropy, gradient, importance) × amount (the configured pruning level, and half
 * of it) × growth strategy (gradient_sensitivity, entropy_gap), growth ratio as configured.
 *
 * <p>Only the last {@code memoryCapacity} outcomes count. A proposal's reward is
 *
 * <pre>
 *   r = heads saved (net share of all heads) − perplexity change (relative) / max_perplexity_increase · 0.5
 *   r = −1 for a rolled-back cycle
 * </pre>
 *
 * so a cycle that saves 10% of the heads at half the allowed perplexity increase scores −0.15, one
 * that saves 10% for free +0.10. Untried proposals are tried first, in grid order (the configured
 * level with entropy pruning and gradient-sensitivity growth first); then the proposal with the
 * highest {@code mean r + √(2 ln n / n_p)} over the memory, where n is the number of outcomes in
 * memory and n_p the proposal's. A proposal once rolled back is never proposed again.
 */
public final class ProposalBandit {
    private static final double PERPLEXITY_WEIGHT = 0.5;
    private final List<Proposal> grid;
    private final int memoryCapacity;
    private final double maxPerplexityIncrease;
    private final Deque<CycleOutcome> memory = new ArrayDeque<>();
    private final Set<Proposal> tried = new HashSet<>();
    private final Set<Proposal> rejected = new HashSet<>();

    public ProposalBandit(UpgradeConfig config) {
        this.memoryCapacity = config.plasticity().memoryCapacity();
        this.maxPerplexityIncrease = config.plasticity().maxPerplexityIncrease();
        List<Proposal> g = new ArrayList<>();
        for (double amount : new double[] {config.pruningLevel(), config.pruningLevel() / 2}) {
            for (PruningMethod pruning :
                    List.of(
                            PruningMethod.ENTROPY,
                            PruningMethod.GRADIENT,
                            PruningMethod.IMPORTANCE)) {
                for (GrowthMethod growth :
                        List.of(GrowthMethod.GRADIENT_SENSITIVITY, GrowthMethod.ENTROPY_GAP)) {
                    g.add(new Proposal(pruning, amount, growth, config.growthRatio()));
                }
            }
        }
        this.grid = List.copyOf(g);
    }

    public List<Proposal> grid() {
        return grid;
    }

    /** The next proposal, or empty when every proposal of the grid has been rolled back. */
    public java.util.Optional<Proposal> propose() {
        for (Proposal p : grid) {
            if (!tried.contains(p) && !rejected.contains(p)) {
                return java.util.Optional.of(p);
            }
        }
        Proposal best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        int n = Math.max(1, memory.size());
        for (Proposal p : grid) {
            if (rejected.contains(p)) {
                continue;
            }
            double sum = 0;
            int count = 0;
            for (CycleOutcome o : memory) {
                if (o.proposal().equals(p)) {
                    sum += reward(o);
                    count++;
                }
            }
            // a proposal tried before but fallen out of memory counts as untried again
            double score =
                    count == 0
                            ? Double.POSITIVE_INFINITY
                            : sum / count + Math.sqrt(2 * Math.log(n) / count);
            if (score > bestScore) {
                bestScore = score;
                best = p;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    /** Records an outcome (in cycle order; a resumed run replays the outcomes it had). */
    public void record(CycleOutcome outcome) {
        tried.add(outcome.proposal());
        if (!outcome.accepted()) {
            rejected.add(outcome.proposal());
        }
        memory.addLast(outcome);
        while (memory.size() > memoryCapacity) {
            memory.removeFirst();
        }
    }

    public double reward(CycleOutcome o) {
        if (!o.accepted()) {
            return -1;
        }
        return o.headsSaved()
                - PERPLEXITY_WEIGHT * o.perplexityChange() / Math.max(maxPerplexityIncrease, 1e-3);
    }
}
