package ai.sentinel.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.Stage;
import ai.sentinel.plasticity.StageResult;
import ai.sentinel.plasticity.TrainingPhase;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunChartsTest {
    private static StageResult stage(Stage stage, int cycle, long step, double loss, int heads) {
        return new StageResult(
                stage,
                cycle,
                step,
                loss,
                List.of(loss - 0.01, loss + 0.01),
                heads,
                1000,
                List.of());
    }

    private static List<RunEvent> cycles(int n) {
        List<RunEvent> events = new ArrayList<>();
        for (int c = 1; c <= n; c++) {
            long step = 40L * (c - 1);
            events.add(stage(Stage.BASELINE, c, step, 2.0, 16));
            events.add(stage(Stage.PRUNED, c, step, 2.1, 12));
            events.add(stage(Stage.GROWN, c, step, 2.1, 14));
            events.add(
                    new RunEvent.StepMetrics(
                            TrainingPhase.LEARNING, c, step + 20, 2.05, 1e-3, 14, 1000, 1));
            events.add(
                    new RunEvent.StepMetrics(
                            TrainingPhase.LEARNING, c, step + 40, 2.0, 1e-4, 14, 1000, 1));
            events.add(stage(Stage.FINAL, c, step + 40, 1.98, 14));
        }
        return events;
    }

    private static RunData run(List<RunEvent> events) {
        return new RunData(Path.of("run"), new JsonObject(), events);
    }

    @Test
    void aChartThatWouldHoldOnePointIsSkipped() {
        RunData one = run(cycles(1));
        assertTrue(RunCharts.perCycle(one.cycles()).isEmpty(), "one cycle: one point per line");
        assertTrue(RunCharts.perCycle(run(cycles(3)).cycles()).isPresent());
        List<RunEvent> oneStep = new ArrayList<>(cycles(1));
        oneStep.removeIf(e -> e instanceof RunEvent.StepMetrics && e.step() == 20);
        assertTrue(
                RunCharts.loss(run(oneStep), one.cycles()).isEmpty(),
                "a single logged step is no curve");
    }

    @Test
    void everyChartOfAOneCycleAndAFiveCycleRunIsDrawn() {
        for (int n : new int[] {1, 5}) {
            RunData data = run(cycles(n));
            List<CycleResult> cycles = data.cycles();
            assertTrue(RunCharts.loss(data, cycles).isPresent());
            assertTrue(RunCharts.perplexity(cycles).isPresent());
            assertTrue(RunCharts.activeHeads(data).isPresent());
        }
    }
}
