package ai.sentinel.upgrade;

import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.plasticity.PruningMethod;
import java.util.Locale;

/**
 * One transformation a cycle tries: prune {@code pruneFraction} of the active heads chosen by
 * {@code pruning}, then grow back {@code growthRatio} of them chosen by {@code growth}.
 */
public record Proposal(
        PruningMethod pruning, double pruneFraction, GrowthMethod growth, double growthRatio) {
    public String describe() {
        return String.format(
                Locale.ROOT,
                "prune %.0f%% by %s, grow back %.0f%% by %s",
                100 * pruneFraction,
                pruning.name().toLowerCase(Locale.ROOT),
                100 * growthRatio,
                growth.name().toLowerCase(Locale.ROOT));
    }
}
