package ai.sentinel.upgrade;

import java.util.Locale;

/**
 * When an upgrade cycle is rolled back: its perplexity rose over the cycle's start by more than
 * {@code max_perplexity_increase}, its degeneration score rose over the baseline's by more than
 * {@code max_degeneration_increase}, or (where one is set) it passed the absolute ceiling {@code
 * max_degeneration_score}. Degeneration is judged against the baseline, not the cycle's start, so
 * that small rises cannot add up over cycles.
 *
 * @param baselineDegeneration the model's degeneration score before the first cycle
 */
record RollbackLimits(UpgradeConfig.PlasticityConfig limits, double baselineDegeneration) {
    static final String ACCEPTED = "accepted";

    /** {@value #ACCEPTED}, or why the cycle is rolled back, naming the limit that acted. */
    String verdict(double perplexityBefore, double perplexityAfter, double degeneration) {
        if (!(perplexityAfter <= perplexityBefore * (1 + limits.maxPerplexityIncrease()))) {
            return String.format(
                    Locale.ROOT,
                    "perplexity %.4f exceeds the cycle's start %.4f by %+.1f%%, more than"
                            + " max_perplexity_increase %.1f%%",
                    perplexityAfter,
                    perplexityBefore,
                    100 * (perplexityAfter / perplexityBefore - 1),
                    100 * limits.maxPerplexityIncrease());
        }
        if (!(degeneration <= baselineDegeneration + limits.maxDegenerationIncrease())) {
            return String.format(
                    Locale.ROOT,
                    "degeneration score %.2f exceeds the baseline's %.2f by %.2f, more than"
                            + " max_degeneration_increase %.2f",
                    degeneration,
                    baselineDegeneration,
                    degeneration - baselineDegeneration,
                    limits.maxDegenerationIncrease());
        }
        if (!(degeneration <= limits.maxDegenerationScore())) {
            return String.format(
                    Locale.ROOT,
                    "degeneration score %.2f exceeds the ceiling max_degeneration_score %.2f",
                    degeneration,
                    limits.maxDegenerationScore());
        }
        return ACCEPTED;
    }

    /** The limits in one sentence, as the summary and report state them. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "Limits: perplexity +%.1f%% per cycle (max_perplexity_increase); degeneration"
                        + " score +%.2f over the baseline's %.2f (max_degeneration_increase), %s.",
                100 * limits.maxPerplexityIncrease(),
                limits.maxDegenerationIncrease(),
                baselineDegeneration,
                limits.hasDegenerationCeiling()
                        ? String.format(
                                Locale.ROOT,
                                "at most %.2f (max_degeneration_score)",
                                limits.maxDegenerationScore())
                        : "no absolute ceiling (max_degeneration_score not set)");
    }
}
