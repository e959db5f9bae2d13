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
import ai.sentinel.report.Plural;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller acting while an upgrade cycle learns, from {@code controller_config}: its type,
 * learning rate (learned gates), decision interval and warm-up; every other setting is the
 * controller's documented default (docs/CONTROLLERS.md). Heads are masked, never removed, so a
 * rollback can restore them.
 */
public final class UpgradeControllers {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeControllers.class);

    private UpgradeControllers() {}

    /**
     * Why the configured controller could not act within a cycle's learning steps, in one line, or
     * empty when it can: the threshold rules decide every {@code update_frequency} steps; the
     * learned gates check every {@code update_frequency} steps and are penalised toward closing
     * only after {@code warmup_steps} (they still round to 0 or 1 at the cycle's end).
     */
    public static Optional<String> idleNote(UpgradeConfig config) {
        UpgradeConfig.ControllerConfig c = config.controller();
        int steps = config.plasticity().trainingSteps();
        String budget =
                "each cycle learns "
                        + Plural.of(steps, "step")
                        + " (training_steps, --training-steps)";
        boolean noDecision = steps < c.updateFrequency();
        String frequency =
                "it decides every "
                        + Plural.of(c.updateFrequency(), "step")
                        + " (update_frequency, --update-frequency)";
        return switch (c.type()) {
            case STATIC -> Optional.empty();
            case THRESHOLD ->
                    noDecision
                            ? Optional.of(
                                    "the threshold controller never acts: "
                                            + budget
                                            + " and "
                                            + frequency)
                            : Optional.empty();
            case LEARNED -> {
                boolean noPenalty = steps <= c.warmupSteps();
                if (!noDecision && !noPenalty) {
                    yield Optional.empty();
                }
                List<String> why = new ArrayList<>();
                if (noDecision) {
                    why.add(frequency);
                }
                if (noPenalty) {
                    why.add(
                            "its sparsity penalty starts after a warm-up of "
                                    + Plural.of(c.warmupSteps(), "step")
                                    + " (warmup_steps, --controller-warmup-steps)");
                }
                yield Optional.of(
                        "the learned controller cannot act during a cycle: "
                                + budget
                                + ", "
                                + String.join(" and ", why)
                                + "; it only rounds its gates at each cycle's end");
            }
        };
    }

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
