package ai.sentinel.report;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.plasticity.HeadGrid;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunEventJson;
import ai.sentinel.plasticity.Stage;
import ai.sentinel.plasticity.StageResult;
import ai.sentinel.plasticity.TrainingPhase;
import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The files of a run folder that {@code report} reads: a corrupt one is read, or named in a
 * one-line error.
 */
class RunFolderFuzzTest {
    private static final Path DIR = FuzzFolder.create("run-folder");
    private static final String CONFIG = "{\"command\": \"cycle\", \"cycles\": 1, \"seed\": 42}";
    private static final String SUMMARY =
            "{\"cycles\": [{\"cycle\": 1, \"baseline\": {\"loss\": 2.5, \"perplexity\":"
                    + " 12.2, \"active_heads\": 16}, \"pruned_heads\": [\"L0H1\"], \"perplexity_recovery\": NaN}]}";

    /** Lines the run writer itself produces: a stage, a training step and a head map. */
    private static final String LOG =
            String.join(
                            "\n",
                            RunEventJson.toJson(
                                            new StageResult(
                                                    Stage.BASELINE,
                                                    1,
                                                    20,
                                                    2.5,
                                                    List.of(2.4, 2.6),
                                                    16,
                                                    1000,
                                                    List.of("a")))
                                    .toString(),
                            RunEventJson.toJson(
                                            new RunEvent.StepMetrics(
                                                    TrainingPhase.LEARNING,
                                                    1,
                                                    30,
                                                    2.4,
                                                    1e-3,
                                                    16,
                                                    1000,
                                                    5e4))
                                    .toString(),
                            RunEventJson.toJson(
                                            new RunEvent.HeadMap(
                                                    Stage.BASELINE,
                                                    1,
                                                    20,
                                                    new HeadGrid(new double[][] {{1, 0}}),
                                                    new HeadGrid(new double[][] {{1, 0.5}}),
                                                    new HeadGrid(new double[][] {{1, 1}})))
                                    .toString())
                    + "\n";

    private static final List<String> FILES =
            List.of("config.json", "summary.json", "metrics.jsonl", "events.jsonl", "heads.jsonl");

    @AfterContainer
    static void cleanUp() throws IOException {
        AtomicFiles.deleteRecursively(DIR);
    }

    @Property(seed = FuzzSeed.SEED)
    void aCorruptRunFileIsReadOrNamed(@ForAll("file") int which, @ForAll("corrupt") byte[] bytes)
            throws IOException {
        Path run = DIR.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("config.json"), CONFIG);
        Files.writeString(run.resolve("summary.json"), SUMMARY);
        for (String log : FILES.subList(2, 5)) {
            Files.writeString(run.resolve(log), LOG);
        }
        Path file = run.resolve(FILES.get(which));
        Files.write(file, bytes);
        CleanFailure.check(file, bytes.length * 3L + 2 * LOG.length(), () -> RunData.read(run));
    }

    @Provide
    Arbitrary<Integer> file() {
        return Arbitraries.integers().between(0, FILES.size() - 1);
    }

    @Provide
    Arbitrary<byte[]> corrupt() {
        return Arbitraries.oneOf(
                Corruptions.ofJson(CONFIG),
                Corruptions.ofJson(SUMMARY),
                Corruptions.of(LOG.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
