package ai.sentinel.plasticity;

import ai.sentinel.model.HeadId;
import java.util.List;

/**
 * One line of a plasticity run's record. {@link RunLog} writes each kind to its file and reads it
 * back as the same record; {@link RunEventJson} is the only code that knows the JSON field names.
 */
public sealed interface RunEvent
        permits RunEvent.StepMetrics,
                StageResult,
                RunEvent.HeadPruned,
                RunEvent.HeadGrown,
                RunEvent.PruningTies,
                RunEvent.HeadMap,
                RunEvent.Measurements,
                RunEvent.ControllerDecision,
                RunEvent.ControllerSnapshot,
                RunEvent.ControllerInterval {
    /** 0 for initial training, then 1, 2, …. */
    int cycle();

    /** Optimizer steps taken in the run so far. */
    long step();

    /**
     * A logged optimizer step (every 10th and the last of a phase): loss before the update and the
     * learning rate the step used.
     */
    record StepMetrics(
            TrainingPhase phase,
            int cycle,
            long step,
            double loss,
            double learningRate,
            int activeHeads,
            long parameters,
            double tokensPerSecond)
            implements RunEvent {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    /** A head pruned, with the scores that chose it. */
    record HeadPruned(int cycle, long step, PruneDecision decision) implements RunEvent {}

    /** A head grown back, with the scores that chose it. */
    record HeadGrown(int cycle, long step, GrowDecision decision) implements RunEvent {}

    /**
     * Groups of heads with equal priority that the pruning cut split (broken by the seeded order).
     */
    record PruningTies(int cycle, long step, List<List<HeadId>> groups) implements RunEvent {
        public PruningTies {
            groups = groups.stream().map(List::copyOf).toList();
        }
    }

    /** The head map at a stage: mask (1 active), gate values and presence (1 unless removed). */
    record HeadMap(
            Stage stage, int cycle, long step, HeadGrid mask, HeadGrid gates, HeadGrid present)
            implements RunEvent {
        public boolean isActive(HeadId head) {
            return mask.get(head) != 0;
        }

        public boolean isPresent(HeadId head) {
            return present.get(head) != 0;
        }
    }

    /** Per-head measurements taken before a cycle's pruning (NaN where a head was not measured). */
    record Measurements(
            int cycle,
            long step,
            HeadGrid entropy,
            HeadGrid normalizedEntropy,
            HeadGrid gradientNorm,
            HeadGrid magnitude,
            HeadGrid importance)
            implements RunEvent {}

    /** What a controller did to a head while the model trained. */
    enum ControllerAction {
        PRUNED,
        REVIVED;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A head pruned or revived by a controller during training ({@code controller}: its name, as
     * {@code --controller} takes it), with the numbers the rule read (NaN where it read none) and
     * the rule in words.
     */
    record ControllerDecision(
            int cycle,
            long step,
            String controller,
            ControllerAction action,
            HeadId head,
            double entropy,
            double gradientNorm,
            double gate,
            String reason)
            implements RunEvent {}

    /**
     * A controller's view of every head at one of its steps (NaN where not measured): normalised
     * entropy, gradient norm, gate (the learned controller's open probability, else the gate
     * value), and state (1 active, 0 masked, −1 removed). Drawn as the head-dynamics heat maps.
     */
    record ControllerSnapshot(
            int cycle,
            long step,
            String controller,
            HeadGrid entropy,
            HeadGrid gradientNorm,
            HeadGrid gate,
            HeadGrid state)
            implements RunEvent {}

    /**
     * One controller interval: heads pruned and revived in it and where the run stands after it.
     * {@code penaltyWeight} (λ) and {@code expectedOpen} (expected number of open gates) belong to
     * the learned controller, NaN for the others; {@code validationLoss} is NaN when not measured.
     */
    record ControllerInterval(
            int cycle,
            long step,
            String controller,
            int pruned,
            int revived,
            int activeHeads,
            int totalHeads,
            double trainLoss,
            double validationLoss,
            double penaltyWeight,
            double expectedOpen)
            implements RunEvent {
        /** The fraction of heads pruned: 1 − active / total. */
        public double sparsity() {
            return 1.0 - (double) activeHeads / totalHeads;
        }
    }
}
