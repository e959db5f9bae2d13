package ai.sentinel.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 22: budgets below the controller's update frequency or warm-up left it idle, silently. */
class UpgradeControllersTest {
    private static UpgradeConfig config(
            UpgradeConfig.ControllerType type, int steps, int frequency, int warmup) {
        UpgradeConfig d = UpgradeConfig.defaults();
        return new UpgradeConfig(
                d.dataset(),
                d.cycles(),
                d.pruningLevel(),
                d.growthRatio(),
                d.learningRate(),
                new UpgradeConfig.ControllerConfig(type, 0.05, frequency, warmup),
                new UpgradeConfig.PlasticityConfig(1.0, 10, 0.15, steps, 5),
                false,
                false,
                true,
                false);
    }

    @Test
    void aThresholdControllerThatNeverDecidesIsNamedWithItsBudgetAndFrequency() {
        String note =
                UpgradeControllers.idleNote(
                                config(UpgradeConfig.ControllerType.THRESHOLD, 3, 50, 0))
                        .orElseThrow();
        assertTrue(note.startsWith("the threshold controller never acts"), note);
        assertTrue(note.contains("3 steps (training_steps, --training-steps)"), note);
        assertTrue(note.contains("every 50 steps (update_frequency, --update-frequency)"), note);
        assertEquals(
                Optional.empty(),
                UpgradeControllers.idleNote(
                        config(UpgradeConfig.ControllerType.THRESHOLD, 50, 50, 0)));
    }

    @Test
    void aLearnedControllerWithinItsWarmUpOrBelowItsFrequencyIsNamed() {
        String both =
                UpgradeControllers.idleNote(
                                config(UpgradeConfig.ControllerType.LEARNED, 10, 50, 10))
                        .orElseThrow();
        assertTrue(both.contains("every 50 steps") && both.contains("warm-up of 10 steps"), both);
        String warmup =
                UpgradeControllers.idleNote(config(UpgradeConfig.ControllerType.LEARNED, 10, 5, 10))
                        .orElseThrow();
        assertTrue(!warmup.contains("every 5 steps") && warmup.contains("warm-up"), warmup);
        assertEquals(
                Optional.empty(),
                UpgradeControllers.idleNote(
                        config(UpgradeConfig.ControllerType.LEARNED, 11, 5, 10)));
        assertEquals(
                Optional.empty(),
                UpgradeControllers.idleNote(
                        config(UpgradeConfig.ControllerType.STATIC, 1, 50, 10)));
    }
}
