package ai.sentinel.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which limit rolls a cycle back. Issue 22: a model whose baseline already scored 3.05 had every
 * cycle rolled back by the absolute limit 3.0, even when perplexity improved.
 */
class RollbackLimitsTest {
    private static final UpgradeConfig.PlasticityConfig DEFAULTS =
            UpgradeConfig.PlasticityConfig.defaults();

    @Test
    void aModelThatStartsAboveTheOldAbsoluteLimitIsKeptWhenItGetsNoWorse() {
        RollbackLimits limits = new RollbackLimits(DEFAULTS, 3.05);
        assertEquals(RollbackLimits.ACCEPTED, limits.verdict(20.0, 19.0, 3.05));
        assertEquals(RollbackLimits.ACCEPTED, limits.verdict(20.0, 19.0, 3.6));
    }

    @Test
    void degenerationPastTheIncreaseOverTheBaselineIsRolledBackNamingThatLimit() {
        String reason = new RollbackLimits(DEFAULTS, 3.05).verdict(20.0, 19.0, 4.2);
        assertTrue(reason.contains("max_degeneration_increase 1.00"), reason);
        assertTrue(reason.contains("baseline's 3.05 by 1.15"), reason);
    }

    @Test
    void theAbsoluteCeilingActsOnlyWhenSetAndIsNamed() {
        UpgradeConfig.PlasticityConfig withCeiling =
                new UpgradeConfig.PlasticityConfig(5.0, 3.0, 0.15, 100, 5);
        String reason = new RollbackLimits(withCeiling, 1.0).verdict(20.0, 19.0, 3.2);
        assertTrue(reason.contains("ceiling max_degeneration_score 3.00"), reason);
        assertTrue(
                new RollbackLimits(withCeiling, 1.0).describe().contains("at most 3.00"),
                "the limits line states the ceiling");
        assertTrue(
                new RollbackLimits(DEFAULTS, 1.0).describe().contains("no absolute ceiling"),
                new RollbackLimits(DEFAULTS, 1.0).describe());
    }

    @Test
    void perplexityIsJudgedAgainstTheCyclesStart() {
        String reason = new RollbackLimits(DEFAULTS, 1.0).verdict(20.0, 23.5, 1.0);
        assertTrue(reason.contains("max_perplexity_increase 15.0%"), reason);
        assertEquals(RollbackLimits.ACCEPTED, new RollbackLimits(DEFAULTS, 1.0).verdict(20, 22, 1));
    }
}
