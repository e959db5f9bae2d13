package ai.sentinel.plasticity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --target-active: λ brings the expected number of open gates to the target. */
class LearnedGateTargetTest {
    /** 4 layers × 4 heads, width 32: the nano preset's head grid at a test's cost. */
    private static final Gpt2Config FOUR_BY_FOUR = Gpt2Config.of(99, 64, 4, 4, 32);

    private static final long SEED = 11;

    private static TextDataset data() {
        int[] tokens = new int[6000];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5 == 0 ? r.nextInt(99) : (tokens[i - 1] * 7 + 3) % 99;
        }
        return TextDataset.split(tokens, 16, 0.2);
    }

    private static TrainConfig training(int steps, float lr) {
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

    private static LearnedGateConfig config(
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

    private static LearnedGateController controller(
            CausalLm model, LearnedGateConfig config, List<RunEvent> events) {
        return new LearnedGateController(model, config, 0, 0, events::add, SEED);
    }

    private static CausalLm fourByFour(NDManager m, long seed) {
        return Gpt2Model.initialize(FOUR_BY_FOUR, m, seed);
    }

    private static List<RunEvent.ControllerInterval> intervals(List<RunEvent> events) {
        return events.stream()
                .filter(e -> e instanceof RunEvent.ControllerInterval)
                .map(e -> (RunEvent.ControllerInterval) e)
                .toList();
    }

    private static List<RunEvent.ControllerDecision> decisions(List<RunEvent> events) {
        return events.stream()
                .filter(e -> e instanceof RunEvent.ControllerDecision)
                .map(e -> (RunEvent.ControllerDecision) e)
                .toList();
    }

    @Test
    void aTargetOfHalfTheHeadsEndsWithinOneHeadOfIt(@TempDir Path dir) throws IOException {
        List<RunEvent> events = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = fourByFour(m, 4)) {
            LearnedGateController controller =
                    controller(
                            model,
                            config(
                                    new LearnedGateConfig.TargetActive(0.5, 40),
                                    5,
                                    10,
                                    0.05,
                                    2,
                                    PruneMode.ADAPTIVE,
                                    LearnedGateConfig.DEFAULT_INITIAL_LOG_ALPHA),
                            events);
            try (Trainer trainer =
                    new Trainer(model, data(), training(100, 3e-3f), StepListener.NONE)) {
                trainer.addHook(controller);
                trainer.run(dir, f -> {});
                controller.finish(new StepContext(trainer.optimizer(), trainer.rates()));
            }
            int active = model.gates().numActive();
            List<RunEvent.ControllerInterval> intervals = intervals(events);
            // λ brought the expected count to the target before the gates were made binary
            assertEquals(8, intervals.get(intervals.size() - 1).expectedOpen(), 1, "E[open]");
            assertEquals(8, active, 1, "active heads after binarisation");
            for (int l = 0; l < 4; l++) {
                for (int h = 0; h < 4; h++) {
                    HeadId head = new HeadId(l, h);
                    if (!model.gates().isMasked(head)) {
                        assertEquals(1f, model.gates().gateValue(head), head + "'s gate");
                    }
                }
            }
            assertEquals(16 - active, decisions(events).size());
            assertTrue(controller.lambda() > 0, "λ rose to close gates");
        }
    }
}
