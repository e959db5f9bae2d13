package ai.sentinel.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProposalBanditTest {
    private static CycleOutcome outcome(
            int cycle, Proposal p, double pplBefore, double pplAfter, int headsSaved, boolean ok) {
        return new CycleOutcome(
                cycle,
                p,
                pplBefore,
                pplAfter,
                pplAfter,
                0,
                0,
                16,
                16 - headsSaved,
                16,
                List.of(),
                List.of(),
                ok,
                ok ? "accepted" : "planted",
                1);
    }

    @Test
    void untriedProposalsComeFirstAndARolledBackOneNeverReturns() {
        ProposalBandit bandit = new ProposalBandit(UpgradeConfig.defaults());
        assertEquals(12, bandit.grid().size());
        Set<Proposal> seen = new HashSet<>();
        Proposal first = bandit.propose().orElseThrow();
        assertEquals(bandit.grid().get(0), first, "the configured level, entropy, first");
        bandit.record(outcome(1, first, 10, 20, 4, false));
        for (int c = 2; c <= 40; c++) {
            Proposal p = bandit.propose().orElseThrow();
            assertNotEquals(first, p, "cycle " + c + " proposed the rolled-back proposal again");
            seen.add(p);
            bandit.record(outcome(c, p, 10, 10, 1, true));
        }
        assertEquals(11, seen.size(), "every other proposal was tried");
    }

    @Test
    void onceAllAreTriedTheBestRewardInMemoryWins() {
        UpgradeConfig d = UpgradeConfig.defaults();
        UpgradeConfig config =
                new UpgradeConfig(
                        d.dataset(),
                        d.cycles(),
                        d.pruningLevel(),
                        d.growthRatio(),
                        d.learningRate(),
                        d.controller(),
                        new UpgradeConfig.PlasticityConfig(
                                1.0, UpgradeConfig.PlasticityConfig.NO_CEILING, 0.15, 100, 12),
                        true,
                        true,
                        true,
                        false);
        ProposalBandit bandit = new ProposalBandit(config);
        List<Proposal> grid = bandit.grid();
        Proposal best = grid.get(5);
        int c = 0;
        for (Proposal p : grid) {
            boolean good = p.equals(best);
            bandit.record(outcome(++c, p, 10, good ? 9 : 11, good ? 4 : 1, true));
        }
        // every proposal tried once, all in memory: equal exploration bonus, the best mean wins
        assertEquals(best, bandit.propose().orElseThrow());
        // 4 heads saved (25%) and perplexity −10%: 0.25 + 0.5·0.1/0.15
        assertEquals(
                0.25 + 0.5 * 0.1 / 0.15, bandit.reward(outcome(0, best, 10, 9, 4, true)), 1e-9);
        assertEquals(-1, bandit.reward(outcome(0, best, 10, 9, 4, false)));
        // with memory 1 only the last outcome counts: every other proposal is unexplored again
        ProposalBandit forgetful = new ProposalBandit(UpgradeConfig.defaults());
        for (Proposal p : grid) {
            forgetful.record(outcome(++c, p, 10, 9, 4, true));
        }
        assertEquals(grid.get(0), forgetful.propose().orElseThrow());
    }
}
