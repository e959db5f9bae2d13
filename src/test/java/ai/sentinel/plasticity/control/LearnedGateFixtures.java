package ai.sentinel.plasticity.control;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.TrainConfig;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The tiny model, data, training and controller settings the learned-gate controller's tests share.
 */
final class LearnedGateFixtures {
    private LearnedGateFixtures() {}

    /** 4 layers × 4 heads, width 32: the nano preset's head grid at a test's cost. */
    static final Gpt2Config FOUR_BY_FOUR = Gpt2Config.of(99, 64, 4, 4, 32);

    static final long SEED = 11;

    static TextDataset data() {
        int[] tokens = new int[6000];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5 == 0 ? r.nextInt(99) : (tokens[i - 1] * 7 + 3) % 99;
        }
        return TextDataset.split(tokens, 16, 0.2);
    }

    static TrainConfig training(int steps, float lr) {
        return new TrainConfig(
                steps,
                4,
                LrSchedule.constant(lr),
                AdamWConfig.defaults(),
                1f,
                0,
                1,
                0,
                SEED,
                false);
    }

    static LearnedGateConfig config(
            LearnedGateConfig.Sparsity sparsity,
            int warmup,
            int every,
            double threshold,
            int patience,
            PruneMode mode,
            double initialLogit) {
        return new LearnedGateConfig(
                0.1, warmup, sparsity, every, threshold, patience, mode, initialLogit);
    }

    static LearnedGateController controller(
            CausalLm model, LearnedGateConfig config, List<RunEvent> events) {
        return new LearnedGateController(model, config, 0, 0, events::add, SEED);
    }

    static CausalLm fourByFour(NDManager m, long seed) {
        return Gpt2Model.initialize(FOUR_BY_FOUR, m, seed);
    }

    static List<RunEvent.ControllerInterval> intervals(List<RunEvent> events) {
        return events.stream()
                .filter(e -> e instanceof RunEvent.ControllerInterval)
                .map(e -> (RunEvent.ControllerInterval) e)
                .toList();
    }

    static List<RunEvent.ControllerDecision> decisions(List<RunEvent> events) {
        return events.stream()
                .filter(e -> e instanceof RunEvent.ControllerDecision)
                .map(e -> (RunEvent.ControllerDecision) e)
                .toList();
    }
}
