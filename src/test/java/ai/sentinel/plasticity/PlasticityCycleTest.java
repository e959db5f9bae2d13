package ai.sentinel.plasticity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.StepListener;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlasticityCycleTest {
    private static TextDataset data() {
        int[] tokens = new int[4000];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 3 == 0 ? r.nextInt(99) : (tokens[i - 1] * 7 + 2) % 99;
        }
        return TextDataset.split(tokens, 16, 0.2);
    }

    /** A cycle with no sample texts, no saved stages and no progress display. */
    private static PlasticityCycle cycle(CausalLm model, CycleConfig config, RunLog log) {
        return new PlasticityCycle(
                model, data(), config, log, m -> List.of(), (m, stage) -> {}, StepListener.NONE);
    }

    @Test
    void aWarmUpLongerThanTheLearningPhaseIsFittedSoGrownHeadsEndEveryCycleFullyOpen(
            @TempDir Path dir) throws Exception {
        CycleConfig config =
                CycleConfig.builder()
                        .cycles(3)
                        .initialTrainingSteps(0)
                        .learningSteps(6)
                        .initialPruning(0.25)
                        .growthRatio(1.0)
                        .mode(PruneMode.COMPRESSED)
                        .schedule(new GrowthSchedule(0.01f, 100, 5f, 100))
                        .training(new CycleConfig.Training(4, 1e-3f, 2, 2))
                        .metricBatches(2)
                        .sampleTokens(0)
                        .seed(5)
                        .build();
        assertEquals(new GrowthSchedule(0.01f, 6, 5f, 6), config.learningSchedule());
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model = TinyModels.tiny(manager, 4);
                RunLog log = new RunLog(dir)) {
            List<CycleResult> results = cycle(model, config, log).run();
            int grown = 0;
            for (CycleResult r : results) {
                grown += r.grownHeads().size();
            }
            assertFalse(grown == 0, "the test needs grown heads");
            assertEquals(
                    List.<HeadId>of(), model.gates().partiallyOpen(), "no head left half-warmed");
            for (int layer = 0; layer < 2; layer++) {
                for (int h : model.config().headsPresent(layer)) {
                    HeadId head = new HeadId(layer, h);
                    if (!model.gates().isMasked(head)) {
                        assertEquals(1f, model.gates().gateValue(head), head.toString());
                    }
                }
            }
        }
    }

    @Test
    void aScheduleThatFitsThePhaseIsKept() {
        GrowthSchedule schedule = new GrowthSchedule(0.01f, 100, 5f, 50);
        assertSame(schedule, schedule.fittedTo(300));
        assertEquals(new GrowthSchedule(0.01f, 80, 5f, 50), schedule.fittedTo(80));
        assertEquals(1f, schedule.fittedTo(80).gate(80));
    }

    @Test
    void aCycleWithoutResumeStateWritesNoCheckpointAndComputesTheSame(@TempDir Path dir)
            throws Exception {
        CycleConfig config =
                CycleConfig.builder()
                        .cycles(1)
                        .initialTrainingSteps(0)
                        .learningSteps(4)
                        .initialPruning(0.25)
                        .growthRatio(1.0)
                        .training(new CycleConfig.Training(4, 1e-3f, 2, 2))
                        .metricBatches(2)
                        .sampleTokens(0)
                        .seed(5)
                        .build();
        double[] finalLoss = new double[2];
        for (int run = 0; run < 2; run++) {
            Path folder = dir.resolve("run" + run);
            try (NDManager manager = NDManager.newBaseManager();
                    CausalLm model = TinyModels.tiny(manager, 4);
                    RunLog log = new RunLog(folder)) {
                PlasticityCycle cycle = cycle(model, config, log);
                if (run == 1) {
                    cycle.withoutResumeState();
                }
                finalLoss[run] = cycle.run().get(0).last().loss();
            }
            boolean written =
                    CycleCheckpoint.exists(folder)
                            || java.nio.file.Files.exists(
                                    CycleCheckpoint.trainerCheckpoint(folder, 1));
            assertEquals(run == 0, written, "run " + run + ": resume state written");
        }
        assertEquals(finalLoss[0], finalLoss[1], 0.0, "the same cycle either way");
    }
}
