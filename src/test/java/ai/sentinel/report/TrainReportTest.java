package ai.sentinel.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.GrowDecision;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.plasticity.HeadGrid;
import ai.sentinel.plasticity.PruneDecision;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.PruningMethod;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunEventJson;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.plasticity.Stage;
import ai.sentinel.plasticity.StageResult;
import ai.sentinel.plasticity.TrainingPhase;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports of synthetic run folders, written in the formats the runs write: a train run under the
 * threshold controller, one under the learned controller, a progressive-growth train run, a cycle
 * run with a controller, and folders with too little to draw or of neither kind.
 */
class TrainReportTest {
    private static final int LAYERS = 2;
    private static final int HEADS = 4;
    private static final String PROMPT = "The <b>council</b> & \"you\"";

    @TempDir Path tmp;

    @Test
    void aThresholdControllerRunGetsItsChartsSummaryAndContinuations() throws IOException {
        Path run = controllerRun("threshold", false, 6, true);
        String html = Files.readString(RunReport.write(run));
        assertCharts(
                run,
                html,
                Set.of(
                        "controller_dynamics.png",
                        "controller_entropy.png",
                        "controller_decisions.png"));
        assertFalse(Files.exists(run.resolve("charts/controller_gates.png")), "no gates to map");
        assertTrue(html.contains("controller <b>threshold</b>"));
        assertTrue(html.indexOf("<h2>Summary</h2>") < html.indexOf("<figure>"), "summary on top");
        assertTrue(html.contains("pruning rate</td><td>12.5%"));
        assertTrue(html.contains("validation perplexity after training</td><td>20.2000"));
        assertTrue(html.contains("weights after (MiB, float32)</td><td>3.2500"));
        assertTrue(html.contains("The &lt;b&gt;council&lt;/b&gt; &amp; &quot;you&quot;"));
        assertFalse(html.contains("<b>council</b>"), "continuations are escaped");
        assertTrue(html.contains("entropy 0.10 &lt; 0.2"), "decision reasons, escaped");
    }

    @Test
    void aLearnedControllerRunAlsoMapsItsGates() throws IOException {
        Path run = controllerRun("learned", true, 6, true);
        String html = Files.readString(RunReport.write(run));
        assertCharts(
                run,
                html,
                Set.of(
                        "controller_dynamics.png",
                        "controller_entropy.png",
                        "controller_gates.png",
                        "controller_decisions.png"));
        assertTrue(html.contains("expected number of open gates"));
    }

    @Test
    void chartsWithTooLittleDataAreSkippedWithTheReason() throws IOException {
        Path run = controllerRun("threshold", false, 1, false);
        String html = Files.readString(RunReport.write(run));
        assertCharts(run, html, Set.of());
        assertTrue(html.contains("not drawn, " + ControllerCharts.WHY_DYNAMICS));
        assertTrue(html.contains("not drawn, " + ControllerCharts.WHY_MAPS));
        assertFalse(html.contains("<h2>Summary</h2>"), "no summary.json: no summary table");
    }

    @Test
    void aProgressiveRunGetsItsGrowthPanelsLossWithActiveHeadsAndContinuations()
            throws IOException {
        Path run = progressiveRun(true, true);
        String html = Files.readString(RunReport.write(run));
        assertCharts(run, html, Set.of("growth_heads.png", "growth_loss.png"));
        assertTrue(html.contains("<h2>Growth events</h2>"));
        assertTrue(html.contains("<td>30</td><td>grown</td><td>L0H1, L1H2</td>"));
        assertTrue(html.contains("The &lt;b&gt;council&lt;/b&gt;"));
    }

    @Test
    void aProgressiveRunRebuildsItsActiveHeadsOrSaysWhatIsMissing() throws IOException {
        Path rebuilt = progressiveRun(false, true); // no active_heads in the log: from the events
        String html = Files.readString(RunReport.write(rebuilt));
        assertCharts(rebuilt, html, Set.of("growth_heads.png", "growth_loss.png"));
        Path unknown = progressiveRun(false, false); // and no head count either
        html = Files.readString(RunReport.write(unknown));
        assertCharts(unknown, html, Set.of());
        assertTrue(html.contains("not drawn, " + TrainReport.WHY_NO_SHAPE));
        assertTrue(html.contains("not drawn, " + TrainReport.WHY_GROWTH_LOSS));
    }

    @Test
    void aCycleRunWithAControllerGetsTheControllerCharts() throws IOException {
        Path run = tmp.resolve("cycle");
        Files.createDirectories(run);
        try (RunLog log = new RunLog(run)) {
            JsonObject config = new JsonObject();
            config.addProperty("command", "cycle");
            config.addProperty("model", "gpt2-nano");
            log.writeJson(RunLog.CONFIG, config);
            List<StageResult> stages =
                    List.of(
                            stage(Stage.BASELINE, 0, 3.0, 8),
                            stage(Stage.PRUNED, 0, 3.2, 6),
                            stage(Stage.GROWN, 0, 3.2, 8),
                            stage(Stage.FINAL, 100, 2.9, 7));
            for (StageResult s : stages) {
                log.write(s);
                log.write(
                        new RunEvent.HeadMap(
                                s.stage(),
                                1,
                                s.step(),
                                grid((l, h) -> 1),
                                grid((l, h) -> 1),
                                grid((l, h) -> 1)));
            }
            log.write(
                    new RunEvent.Measurements(
                            1,
                            0,
                            grid((l, h) -> 2),
                            grid((l, h) -> 0.5),
                            grid((l, h) -> 0.1),
                            grid((l, h) -> 1),
                            grid((l, h) -> 0.01)));
            for (int step = 10; step <= 100; step += 10) {
                log.write(
                        new RunEvent.StepMetrics(
                                TrainingPhase.LEARNING,
                                1,
                                step,
                                3 - step / 100.0,
                                1e-3,
                                8,
                                1000,
                                1));
            }
            for (RunEvent e : controllerEvents("threshold", false, 5)) {
                log.write(e);
            }
        }
        String html = Files.readString(RunReport.write(run));
        assertTrue(Files.size(run.resolve("charts/controller_dynamics.png")) > 0);
        assertTrue(Files.size(run.resolve("charts/controller_entropy.png")) > 0);
        assertTrue(Files.size(run.resolve("charts/controller_decisions.png")) > 0);
        assertTrue(Files.size(run.resolve("charts/loss.png")) > 0, "the cycle's own charts too");
        assertTrue(html.contains("<h2>Controller decisions</h2>"));
        assertEquals(images(html), charts(run).size(), "every chart embedded");
    }

    @Test
    void longRunsAreThinnedToEvenlySpacedSnapshotsKeepingTheFirstAndLast() {
        int[] drawn = ControllerCharts.columns(1000);
        assertTrue(drawn.length < 1000 && drawn.length > 100, "thinned: " + drawn.length);
        assertEquals(0, drawn[0]);
        assertEquals(999, drawn[drawn.length - 1]);
        assertEquals(12, ControllerCharts.columns(12).length, "a short run keeps every snapshot");
    }

    @Test
    void aFolderOfNeitherKindIsNamedInOneClearError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("not-a-run"));
        Files.writeString(empty.resolve("metrics.jsonl"), "");
        IOException e = assertThrows(IOException.class, () -> RunReport.write(empty));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("neither config.json"), e.getMessage());
        IOException missing =
                assertThrows(IOException.class, () -> RunReport.write(tmp.resolve("absent")));
        assertTrue(missing.getMessage().contains("absent"), missing.getMessage());
    }

    // --- run folders -----------------------------------------------------------------------

    /**
     * A train run under a controller: {@code intervals} controller intervals (steps 20, 40, …),
     * snapshots in heads.jsonl at the same steps when {@code full}, with summary.json and
     * samples.json.
     */
    private Path controllerRun(String controller, boolean learned, int intervals, boolean full)
            throws IOException {
        Path run = Files.createDirectories(tmp.resolve(controller + intervals));
        runConfig(run, false);
        List<String> metrics = new ArrayList<>();
        for (int step = 10; step <= 20 * intervals; step += 10) {
            metrics.add(step(step, 4 - step / 100.0, step < 40 ? 8 : 7).toString());
            if (step % 50 == 0) {
                metrics.add(eval(step, 3.9 - step / 100.0).toString());
            }
        }
        Files.write(run.resolve("metrics.jsonl"), metrics);
        List<String> events = new ArrayList<>();
        List<String> heads = new ArrayList<>();
        for (RunEvent e : controllerEvents(controller, learned, intervals)) {
            (e instanceof RunEvent.ControllerSnapshot ? heads : events)
                    .add(RunEventJson.toJson(e).toString());
        }
        Files.write(run.resolve("events.jsonl"), events);
        if (full) {
            Files.write(run.resolve("heads.jsonl"), heads);
            Files.writeString(
                    run.resolve("summary.json"),
                    "{\"controller\": \""
                            + controller
                            + "\", \"total_heads\": 8, \"pruned_heads\": 1,"
                            + " \"pruning_rate\": 0.125, \"attention_weight_sparsity\": 0.1,"
                            + " \"model_size_mb\": 3.25, \"perplexity_before\": 50.1,"
                            + " \"perplexity_after\": 20.2}");
            samples(run);
        }
        return run;
    }

    /**
     * A controller's events over {@code intervals} intervals of 20 steps: L0H1 pruned at step 20,
     * L1H3 pruned at 40 and revived at 60; a snapshot and an interval at each.
     */
    private static List<RunEvent> controllerEvents(
            String controller, boolean learned, int intervals) {
        List<RunEvent> events = new ArrayList<>();
        double nan = Double.NaN;
        for (int i = 1; i <= intervals; i++) {
            long step = 20L * i;
            int pruned = step == 20 || step == 40 ? 1 : 0;
            int revived = step == 60 ? 1 : 0;
            if (pruned == 1) {
                HeadId head = step == 20 ? new HeadId(0, 1) : new HeadId(1, 3);
                events.add(
                        new RunEvent.ControllerDecision(
                                0,
                                step,
                                controller,
                                RunEvent.ControllerAction.PRUNED,
                                head,
                                0.1,
                                0.02,
                                learned ? 0.3 : 1,
                                "entropy 0.10 < 0.2"));
            }
            if (revived == 1) {
                events.add(
                        new RunEvent.ControllerDecision(
                                0,
                                step,
                                controller,
                                RunEvent.ControllerAction.REVIVED,
                                new HeadId(1, 3),
                                0.5,
                                0.4,
                                learned ? 0.7 : 0,
                                "gradient norm 0.40 > 0.3"));
            }
            int active = 8 - (step >= 20 ? 1 : 0) - (step == 40 ? 1 : 0);
            double p = i;
            events.add(
                    new RunEvent.ControllerSnapshot(
                            0,
                            step,
                            controller,
                            grid((l, h) -> 0.3 + 0.05 * h + 0.01 * p),
                            grid((l, h) -> 0.1 * (l + 1)),
                            grid((l, h) -> learned ? 1 / (1 + l + h + p) : 1),
                            grid(
                                    (l, h) ->
                                            (l == 0 && h == 1) || (step == 40 && l == 1 && h == 3)
                                                    ? 0
                                                    : 1)));
            events.add(
                    new RunEvent.ControllerInterval(
                            0,
                            step,
                            controller,
                            pruned,
                            revived,
                            active,
                            8,
                            4 - step / 100.0,
                            step % 40 == 0 ? 3.9 - step / 100.0 : nan,
                            learned ? 0.01 * i : nan,
                            learned ? 8 - 0.3 * i : nan));
        }
        return events;
    }

    /**
     * A progressive train run: 5 of 8 heads pruned at step 0, two grown back at step 30 and one at
     * 60; {@code logsActive}: the log has active_heads; {@code knowsShape}: run-config.json gives
     * layers and heads.
     */
    private Path progressiveRun(boolean logsActive, boolean knowsShape) throws IOException {
        Path run =
                Files.createDirectories(
                        tmp.resolve("progressive-" + logsActive + "-" + knowsShape));
        runConfig(run, knowsShape);
        List<String> metrics = new ArrayList<>();
        for (int step = 10; step <= 100; step += 10) {
            JsonObject line = step(step, 4 - step / 50.0, step < 30 ? 3 : step < 60 ? 5 : 6);
            if (!logsActive) {
                line.remove("active_heads");
                line.remove("sparsity");
            }
            metrics.add(line.toString());
        }
        metrics.add(eval(100, 2.2).toString());
        Files.write(run.resolve("metrics.jsonl"), metrics);
        List<String> events = new ArrayList<>();
        for (HeadId h :
                List.of(
                        new HeadId(0, 1),
                        new HeadId(0, 2),
                        new HeadId(0, 3),
                        new HeadId(1, 2),
                        new HeadId(1, 3))) {
            events.add(
                    RunEventJson.toJson(
                                    new RunEvent.HeadPruned(
                                            0,
                                            0,
                                            new PruneDecision(
                                                    h,
                                                    PruningMethod.UNIFORM,
                                                    PruneMode.ADAPTIVE,
                                                    0.5,
                                                    1,
                                                    0.5,
                                                    0.1,
                                                    1,
                                                    0.01)))
                            .toString());
        }
        for (Object[] g : new Object[][] {{30L, 0, 1}, {30L, 1, 2}, {60L, 0, 3}}) {
            events.add(
                    RunEventJson.toJson(
                                    new RunEvent.HeadGrown(
                                            0,
                                            (Long) g[0],
                                            new GrowDecision(
                                                    new HeadId((Integer) g[1], (Integer) g[2]),
                                                    GrowthMethod.GRADIENT_SENSITIVITY,
                                                    GrowthInit.FUNCTION_PRESERVING,
                                                    0,
                                                    0.2,
                                                    0.3,
                                                    0.6)))
                            .toString());
        }
        Files.write(run.resolve("events.jsonl"), events);
        samples(run);
        return run;
    }

    private static void runConfig(Path run, boolean withShape) throws IOException {
        JsonObject c = new JsonObject();
        c.addProperty("command", "train");
        c.addProperty("model", "gpt2-nano");
        c.addProperty("dataset", "europarl-en");
        c.addProperty("steps", 100);
        c.addProperty("seed", 42);
        if (withShape) {
            c.addProperty("num_layers", LAYERS);
            c.addProperty("num_heads", HEADS);
        }
        Files.writeString(run.resolve("run-config.json"), c.toString());
    }

    /** A step line as train/MetricsLog writes it, with active_heads and sparsity. */
    private static JsonObject step(long step, double loss, int active) {
        JsonObject o = new JsonObject();
        o.addProperty("event", "step");
        o.addProperty("step", step);
        o.addProperty("loss", loss);
        o.addProperty("lr", 1e-3);
        o.addProperty("grad_norm", 0.8);
        o.addProperty("tokens_per_second", 5000);
        o.addProperty("elapsed_seconds", step / 10.0);
        o.addProperty("active_heads", active);
        o.addProperty("sparsity", 1 - active / 8.0);
        return o;
    }

    private static JsonObject eval(long step, double loss) {
        JsonObject o = new JsonObject();
        o.addProperty("event", "eval");
        o.addProperty("step", step);
        o.addProperty("val_loss", loss);
        o.addProperty("val_perplexity", Math.exp(loss));
        o.addProperty("val_tokens", 4096);
        return o;
    }

    /** samples.json, its first prompt full of HTML's special characters. */
    private static void samples(Path run) throws IOException {
        JsonObject o = new JsonObject();
        o.add("prompts", texts(PROMPT, "Mr President,"));
        o.add("before", texts("ll ll ll", "the the"));
        o.add("after", texts("will vote", "I would like"));
        Files.writeString(run.resolve("samples.json"), o.toString());
    }

    private static com.google.gson.JsonArray texts(String... texts) {
        com.google.gson.JsonArray a = new com.google.gson.JsonArray();
        for (String t : texts) {
            a.add(t);
        }
        return a;
    }

    private static StageResult stage(Stage stage, long step, double loss, int active) {
        return new StageResult(
                stage, 1, step, loss, List.of(loss - 0.01, loss + 0.01), active, 1000, List.of());
    }

    @FunctionalInterface
    private interface Cell {
        double at(int layer, int head);
    }

    private static HeadGrid grid(Cell cell) {
        double[][] v = new double[LAYERS][HEADS];
        for (int l = 0; l < LAYERS; l++) {
            for (int h = 0; h < HEADS; h++) {
                v[l][h] = cell.at(l, h);
            }
        }
        return new HeadGrid(v);
    }

    // --- checks ----------------------------------------------------------------------------

    /** Exactly {@code expected} charts were written, each non-empty, and each is in the page. */
    private static void assertCharts(Path run, String html, Set<String> expected)
            throws IOException {
        Set<String> written = charts(run);
        assertTrue(written.containsAll(expected), "expected " + expected + ", got " + written);
        for (String chart : expected) {
            assertTrue(Files.size(run.resolve("charts").resolve(chart)) > 0, chart);
        }
        assertEquals(written.size(), images(html), "every chart embedded");
        if (expected.isEmpty()) {
            assertFalse(
                    written.stream()
                            .anyMatch(c -> c.startsWith("controller_") || c.startsWith("growth_")),
                    "nothing drawn from too little: " + written);
        }
    }

    private static Set<String> charts(Path run) throws IOException {
        Path dir = run.resolve("charts");
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static int images(String html) {
        Matcher m = Pattern.compile("src=\"data:image/png;base64,").matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
