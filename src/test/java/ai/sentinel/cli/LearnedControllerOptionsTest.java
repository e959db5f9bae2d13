package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.plasticity.HeadController;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.control.LearnedGateConfig;
import ai.sentinel.plasticity.control.LearnedGateController;
import ai.sentinel.testing.TinyModels;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LearnedControllerOptionsTest {
    /** The learned options beside the command's own --target-active and --pruning-mode. */
    @CommandLine.Command
    static final class Options {
        @CommandLine.Mixin LearnedControllerOptions learned;

        @CommandLine.Option(names = "--target-active")
        Double targetActive;

        @CommandLine.Option(names = "--pruning-mode")
        PruneMode mode = PruneMode.ADAPTIVE;
    }

    private static LearnedGateConfig parse(String... args) {
        Options o = CommandLine.populateCommand(new Options(), args);
        return o.learned.config(o.targetActive, o.mode);
    }

    private static void assertRefused(String option, String... args) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> parse(args));
        assertTrue(e.getMessage().startsWith(option), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }

    @Test
    void defaultsAreAFixedPenaltyMaskingHeads() {
        LearnedGateConfig c = parse();
        assertEquals(new LearnedGateConfig.FixedPenalty(0.01), c.sparsity());
        assertEquals(PruneMode.ADAPTIVE, c.mode());
        assertEquals(0.05, c.learningRate());
        assertEquals(LearnedGateConfig.DEFAULT_INITIAL_LOG_ALPHA, c.initialLogAlpha());
    }

    @Test
    void everyOptionReachesTheConfig() {
        LearnedGateConfig c =
                parse(
                        "--controller-lr", "0.2",
                        "--controller-warmup-steps", "7",
                        "--target-active", "0.25",
                        "--target-ramp-steps", "30",
                        "--update-frequency", "9",
                        "--gate-threshold", "0.1",
                        "--prune-patience", "4",
                        "--pruning-mode", "COMPRESSED");
        assertEquals(
                new LearnedGateConfig(
                        0.2,
                        7,
                        new LearnedGateConfig.TargetActive(0.25, 30),
                        9,
                        0.1,
                        4,
                        PruneMode.COMPRESSED,
                        LearnedGateConfig.DEFAULT_INITIAL_LOG_ALPHA),
                c);
        assertEquals(new LearnedGateConfig.FixedPenalty(0.5), parse("--penalty", "0.5").sparsity());
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheOption() {
        assertRefused("--controller-lr", "--controller-lr", "0");
        assertRefused("--controller-warmup-steps", "--controller-warmup-steps", "-1");
        assertRefused("--target-active", "--target-active", "1.5");
        assertRefused("--target-active", "--target-active", "0");
        assertRefused("--target-ramp-steps", "--target-active", "0.5", "--target-ramp-steps", "-2");
        assertRefused("--target-active", "--target-active", "0.5", "--penalty", "0.1");
        assertRefused("--penalty", "--penalty", "-0.1");
        assertRefused("--update-frequency", "--update-frequency", "0");
        assertRefused("--gate-threshold", "--gate-threshold", "1.2");
        assertRefused("--prune-patience", "--prune-patience", "0");
    }

    @Test
    void theFactoryMakesTheLearnedControllerWhichAlsoAnswersToAnn() {
        assertEquals(List.of("learned", "ann"), LearnedGateController.NAMES);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tiny(m, 1)) {
            HeadController controller =
                    new LearnedControllerOptions()
                            .factory(null, PruneMode.ADAPTIVE)
                            .create(model, null, 0, 0, e -> {}, 1);
            assertEquals("learned", controller.name());
            assertEquals(LearnedGateController.STATE_NAME, controller.stateName());
        }
    }
}
