package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.control.Threshold;
import ai.sentinel.plasticity.control.ThresholdConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ThresholdControllerOptionsTest {
    /** How {@code train} would mix the options in. */
    @Command(name = "train")
    static final class Train {
        @Mixin ThresholdControllerOptions controller;
        @Mixin ThresholdControllerOptions.Pruning pruning;
    }

    /** How {@code cycle} would: its own pruning options already have the mode and the fraction. */
    @Command(name = "cycle")
    static final class Cycle {
        @Mixin ThresholdControllerOptions controller;
        @Mixin PruningOptions pruning;
    }

    private static Train train(String... args) {
        Train t = new Train();
        new CommandLine(t).parseArgs(args);
        return t;
    }

    @Test
    void theDefaultsAreTheLibrarysDefaults() {
        Train t = train();
        assertEquals(
                ThresholdConfig.defaults(),
                t.controller.rules(t.pruning.mode, t.pruning.maxPrunedFraction));
        assertEquals(50, t.controller.interval);
        assertEquals(2, t.controller.batches);
        assertNotNull(t.controller.factory(t.pruning, 16, GrowthSchedule.defaults(), s -> {}));
    }

    @Test
    void everyOptionReachesTheRules() {
        Train t =
                train(
                        "--high-entropy-threshold", "0.95",
                        "--grad-threshold", "q0.25",
                        "--revive-threshold", "1e-4",
                        "--low-entropy-threshold", "q0.4",
                        "--min-zero-intervals", "3",
                        "--prune-rate-limit", "0.2",
                        "--pruning-mode", "COMPRESSED",
                        "--max-pruned-fraction", "0.3",
                        "--controller-interval", "25",
                        "--controller-batches", "4");
        assertEquals(
                new ThresholdConfig(
                        Threshold.absolute(0.95),
                        Threshold.quantile(0.25),
                        Threshold.absolute(1e-4),
                        Threshold.quantile(0.4),
                        3,
                        0.2,
                        0.3,
                        PruneMode.COMPRESSED),
                t.controller.rules(t.pruning.mode, t.pruning.maxPrunedFraction));
        assertEquals(25, t.controller.interval);
        assertEquals(4, t.controller.batches);
    }

    @Test
    void aBadValueIsOneLineNamingItsOption() {
        String[][] cases = {
            {"--high-entropy-threshold", "high"},
            {"--grad-threshold", "q2"},
            {"--revive-threshold", "NaN"},
            {"--low-entropy-threshold", "%50"},
            {"--prune-rate-limit", "1.5"},
            {"--min-zero-intervals", "-1"},
            {"--controller-interval", "0"},
            {"--controller-batches", "0"},
            {"--max-pruned-fraction", "1"},
            {"--high-entropy-threshold", "-5"},
            {"--low-entropy-threshold", "1.01"},
            {"--grad-threshold", "-0.5"},
            {"--revive-threshold", "-1e-9"},
        };
        for (String[] c : cases) {
            Train t = train(c);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    t.controller.factory(
                                            t.pruning, 16, GrowthSchedule.defaults(), s -> {}),
                            c[0]);
            assertTrue(e.getMessage().startsWith(c[0]), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void cycleUsesItsOwnPruningModeAndFractionWithoutDuplicateOptions() {
        Cycle c = new Cycle();
        new CommandLine(c)
                .parseArgs("--pruning-mode", "COMPRESSED", "--max-pruned-fraction", "0.4");
        ThresholdConfig rules = c.controller.rules(c.pruning.mode, c.pruning.maxPrunedFraction);
        assertEquals(PruneMode.COMPRESSED, rules.mode());
        assertEquals(0.4, rules.maxPrunedFraction());
    }
}
