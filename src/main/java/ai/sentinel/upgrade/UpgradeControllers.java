package ai.sentinel.upgrade;

import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.control.LearnedGateConfig;
import ai.sentinel.plasticity.control.LearnedGateController;
import ai.sentinel.plasticity.control.Threshold;
import ai.sentinel.plasticity.control.ThresholdConfig;
import ai.sentinel.plasticity.control.ThresholdController;
import ai.sentinel.plasticity.control.ThresholdSettings;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller acting while an upgrade cycle learns, from {@code controller_config}: its type,
 * learning rate (learned gates), decision interval and warm-up; every other setting is the
 * controller's documented default (docs/CONTROLLERS.md). Heads are masked, never removed, so a
 * rollback can restore them.
 */
final class UpgradeControllers {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeControllers.class);

    private UpgradeControllers() {}

    static Optional<ControllerFactory> factory(UpgradeConfig.ControllerConfig c, int batchSize) {
        return switch (c.type()) {
            case STATIC -> Optional.empty();
            case THRESHOLD ->
                    Optional.of(
                            ThresholdController.factory(
                                    new ThresholdSettings(
                                            new ThresholdConfig(
                                                    Threshold.parse("high entropy", "q0.9"),
                                                    Threshold.parse("gradient", "q0.5"),
                                                    Threshold.parse("revive", "q0.5"),
                                                    Threshold.parse("low entropy", "q0.5"),
                                                    2,
                                                    0.1,
                                                    0.5,
                                                    PruneMode.ADAPTIVE),
                                            c.updateFrequency(),
                                            2,
                                            batchSize,
                                            GrowthSchedule.defaults()),
                                    summary -> summary.lines().forEach(LOG::info)));
            case LEARNED -> {
                LearnedGateConfig config =
                        new LearnedGateConfig(
                                c.lr(),
                                c.warmupSteps(),
                                new LearnedGateConfig.FixedPenalty(0.01),
                                c.updateFrequency(),
                                0.05,
                                3,
                                PruneMode.ADAPTIVE,
                                LearnedGateConfig.DEFAULT_INITIAL_LOG_ALPHA);
                yield Optional.of(
                        (model, data, cycle, firstStep, events, seed) ->
                                new LearnedGateController(
                                        model, config, cycle, firstStep, events, seed));
            }
        };
    }
}
