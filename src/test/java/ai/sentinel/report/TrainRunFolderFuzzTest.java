package ai.sentinel.report;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.GrowDecision;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthMethod;
import ai.sentinel.plasticity.HeadGrid;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunEventJson;
import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * The files of a {@code train} run folder that {@code report} reads: a corrupt one is read, or
 * named in a one-line error.
 */
class TrainRunFolderFuzzTest {
    private static final Path DIR = FuzzFolder.create("train-run-folder");
    private static final String CONFIG =
            "{\"command\": \"train\", \"steps\": 20, \"seed\": 42, \"num_layers\": 1,"
                    + " \"num_heads\": 2}";
    private static final String METRICS =
            "{\"event\":\"step\",\"step\":10,\"loss\":5.1,\"lr\":0.001,\"active_heads\":2,"
                    + "\"sparsity\":0.0}\n"
                    + "{\"event\":\"eval\",\"step\":10,\"val_loss\":5.2,\"val_perplexity\":181.3,"
                    + "\"val_tokens\":64}\n";
    private static final String EVENTS =
            String.join(
                            "\n",
                            RunEventJson.toJson(
                                            new RunEvent.ControllerDecision(
                                                    0,
                                                    10,
                                                    "threshold",
                                                    RunEvent.ControllerAction.PRUNED,
                                                    new HeadId(0, 1),
                                                    0.1,
                                                    0.2,
                                                    1,
                                                    "entropy below 0.2"))
                                    .toString(),
                            RunEventJson.toJson(
                                            new RunEvent.ControllerInterval(
                                                    0,
                                                    10,
                                                    "threshold",
                                                    1,
                                                    0,
                                                    1,
                                                    2,
                                                    5.1,
                                                    Double.NaN,
                                                    Double.NaN,
                                                    Double.NaN))
                                    .toString(),
                            RunEventJson.toJson(
                                            new RunEvent.HeadGrown(
                                                    0,
                                                    10,
                                                    new GrowDecision(
                                                            new HeadId(0, 0),
                                                            GrowthMethod.RANDOM,
                                                            GrowthInit.REVIVE,
                                                            0,
                                                            0.1,
                                                            0.1,
                                                            0.5)))
                                    .toString())
                    + "\n";
    private static final String HEADS =
            RunEventJson.toJson(
                                    new RunEvent.ControllerSnapshot(
                                            0,
                                            10,
                                            "threshold",
                                            new HeadGrid(new double[][] {{0.4, 0.1}}),
                                            new HeadGrid(new double[][] {{0.3, 0.2}}),
                                            new HeadGrid(new double[][] {{1, 1}}),
                                            new HeadGrid(new double[][] {{1, 0}})))
                            .toString()
                    + "\n";
    private static final String SUMMARY =
            "{\"controller\": \"threshold\", \"total_heads\": 2, \"pruning_rate\": 0.5}";
    private static final String SAMPLES =
            "{\"prompts\": [\"a\"], \"before\": [\"b\"], \"after\": [\"c\"]}";

    private static final List<String> FILES =
            List.of(
                    "run-config.json",
                    "metrics.jsonl",
                    "events.jsonl",
                    "heads.jsonl",
                    "summary.json",
                    "samples.json");
    private static final List<String> TEXTS =
            List.of(CONFIG, METRICS, EVENTS, HEADS, SUMMARY, SAMPLES);

    @AfterContainer
    static void cleanUp() throws IOException {
        AtomicFiles.deleteRecursively(DIR);
    }

    @Property(seed = FuzzSeed.SEED)
    void aCorruptTrainRunFileIsReadOrNamed(
            @ForAll("file") int which, @ForAll("corrupt") byte[] bytes) throws IOException {
        Path run = DIR.resolve("run");
        Files.createDirectories(run);
        for (int i = 0; i < FILES.size(); i++) {
            Files.writeString(run.resolve(FILES.get(i)), TEXTS.get(i));
        }
        Path file = run.resolve(FILES.get(which));
        Files.write(file, bytes);
        CleanFailure.check(file, bytes.length * 3L + 4096, () -> TrainRunData.read(run));
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
                Corruptions.ofJson(SAMPLES),
                Corruptions.of(METRICS.getBytes(StandardCharsets.UTF_8)),
                Corruptions.of(EVENTS.getBytes(StandardCharsets.UTF_8)),
                Corruptions.of(HEADS.getBytes(StandardCharsets.UTF_8)));
    }
}
