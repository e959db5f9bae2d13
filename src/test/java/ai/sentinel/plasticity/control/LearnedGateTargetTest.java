package ai.sentinel.plasticity.control;

import static ai.sentinel.plasticity.control.LearnedGateFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --target-active: λ brings the expected number of open gates to the target. */
class LearnedGateTargetTest {

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
