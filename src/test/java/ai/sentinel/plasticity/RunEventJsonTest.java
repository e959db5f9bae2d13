package ai.sentinel.plasticity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.model.HeadId;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of run event survives the trip through its JSON line and its file unchanged. */
class RunEventJsonTest {
    private static final HeadGrid MEASURED =
            new HeadGrid(new double[][] {{0.5, Double.NaN}, {1e-7, 3}});

    static List<RunEvent> oneOfEach() {
        return List.of(
                new RunEvent.StepMetrics(
                        TrainingPhase.INITIAL_TRAINING, 0, 10, 3.25, 3e-3f, 8, 12_345, 9876.5),
                new StageResult(
                        Stage.BASELINE,
                        1,
                        100,
                        2.5,
                        List.of(2.4, 2.6),
                        8,
                        12_345,
                        List.of("to be")),
                new RunEvent.HeadPruned(
                        1,
                        100,
                        new PruneDecision(
                                new HeadId(1, 0),
                                PruningMethod.ENTROPY,
                                PruneMode.ADAPTIVE,
                                0.9,
                                1.1,
                                0.9,
                                Double.NaN,
                                0.25,
                                1e-4)),
                new RunEvent.PruningTies(
                        1, 100, List.of(List.of(new HeadId(0, 1), new HeadId(11, 10)))),
                new RunEvent.HeadGrown(
                        1,
                        100,
                        new GrowDecision(
                                new HeadId(1, 0),
                                GrowthMethod.GRADIENT_SENSITIVITY,
                                GrowthInit.FUNCTION_PRESERVING,
                                0,
                                2e-3,
                                4e-3,
                                0.8)),
                new RunEvent.HeadMap(
                        Stage.PRUNED,
                        1,
                        100,
                        new HeadGrid(new double[][] {{1, 0}, {1, 1}}),
                        new HeadGrid(new double[][] {{1, 0.01}, {1, 1}}),
                        new HeadGrid(new double[][] {{1, 1}, {0, 1}})),
                new RunEvent.Measurements(
                        1, 100, MEASURED, MEASURED, MEASURED, MEASURED, MEASURED));
    }

    @Test
    void everyEventReadsBackAsTheSameRecord() {
        for (RunEvent e : oneOfEach()) {
            JsonObject line =
                    JsonParser.parseString(RunEventJson.toJson(e).toString()).getAsJsonObject();
            assertEquals(e, RunEventJson.fromJson(line), line.toString());
        }
    }

    @Test
    void aRunLogWritesEachKindToItsFileAndReadsThemBack(@TempDir Path dir) throws IOException {
        try (RunLog log = new RunLog(dir)) {
            oneOfEach().forEach(log::write);
        }
        assertEquals(2, Files.readAllLines(dir.resolve(RunLog.METRICS)).size());
        assertEquals(3, Files.readAllLines(dir.resolve(RunLog.EVENTS)).size());
        assertEquals(2, Files.readAllLines(dir.resolve(RunLog.HEADS)).size());
        List<RunEvent> back = RunLog.read(dir);
        assertEquals(oneOfEach().size(), back.size());
        assertTrue(back.containsAll(oneOfEach()));
    }

    @Test
    void theLinesKeepTheFieldsEarlierRunFoldersHave() {
        JsonObject pruned = RunEventJson.toJson(oneOfEach().get(2));
        for (String key :
                List.of(
                        "event",
                        "cycle",
                        "step",
                        "head",
                        "layer",
                        "index",
                        "strategy",
                        "mode",
                        "priority",
                        "entropy",
                        "normalized_entropy",
                        "gradient_norm",
                        "magnitude",
                        "importance")) {
            assertTrue(pruned.has(key), key);
        }
        assertEquals("L1H0", pruned.get("head").getAsString());
        assertEquals("entropy", pruned.get("strategy").getAsString());
        assertTrue(pruned.get("gradient_norm").isJsonNull(), "NaN is written as null");
        JsonObject stage = RunEventJson.toJson(oneOfEach().get(1));
        assertEquals("phase", stage.get("event").getAsString());
        assertEquals("baseline", stage.get("phase").getAsString());
        assertEquals(Math.exp(2.5), stage.get("perplexity").getAsDouble(), 1e-12);
        JsonObject heads = RunEventJson.toJson(oneOfEach().get(5));
        assertEquals("[[1,0],[1,1]]", heads.get("mask").toString());
        assertEquals("[[true,true],[false,true]]", heads.get("present").toString());
    }

    @Test
    void aStageLineFromBeforePerSequenceLossesStillReads() {
        String old =
                "{\"event\":\"phase\",\"phase\":\"pruned\",\"cycle\":1,\"step\":0,\"loss\":2.47,"
                        + "\"perplexity\":11.85,\"active_heads\":11,\"parameters\":842496,\"tokens_per_second\":609.0,"
                        + "\"samples\":[\" many\"]}";
        StageResult s =
                (StageResult) RunEventJson.fromJson(JsonParser.parseString(old).getAsJsonObject());
        assertEquals(Stage.PRUNED, s.stage());
        assertEquals(List.of(), s.sequenceLosses());
        assertTrue(Double.isNaN(s.lossStandardError()));
    }

    @Test
    void anUnknownLineIsAnErrorNamingItsKind() {
        JsonObject o =
                JsonParser.parseString("{\"event\":\"shrunk\",\"cycle\":1,\"step\":0}")
                        .getAsJsonObject();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RunEventJson.fromJson(o));
        assertTrue(e.getMessage().contains("shrunk"), e.getMessage());
    }
}
