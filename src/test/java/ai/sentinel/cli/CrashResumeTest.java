package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.UnetSkips;
import ai.sentinel.testing.ChildJvm;
import ai.sentinel.testing.Fixtures;
import ai.sentinel.tokenizer.ByteTokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM running {@code train} or {@code cycle} is killed with SIGKILL at seeded random
 * moments, then resumed with {@code --resume}, until a run completes (and further runs are started
 * until enough kills were made). Its final weights must equal an uninterrupted run's bit for bit,
 * and its logs must hold each step once, with the same losses: nothing partial was read as
 * complete, nothing repeated. The uninterrupted run is a child JVM too, started the same way.
 *
 * <p>The kill moment is drawn as "after the child's n-th output line, plus 0–500 ms" (the delay
 * reaches into work that prints nothing: evaluations, head measurements, saves), so it waits on the
 * child's own progress, never on a guess of how fast a loaded machine runs. The default suite kills
 * twice per command; the fuzz profile ({@code -Pfuzz}) sets {@code sentinel.crash.kills} to 20.
 */
class CrashResumeTest {
    private static final int KILLS = Integer.getInteger("sentinel.crash.kills", 2);
    private static final String[] MODEL = {
        "-m",
        "nano",
        "--n-layer",
        "2",
        "--n-head",
        "2",
        "--n-embd",
        "32",
        "--seq-len",
        "32",
        "--batch-size",
        "4",
        "--eval-batches",
        "1",
        "--checkpoint-every",
        "2"
    };

    @TempDir static Path dir;
    private static Path text;

    @BeforeAll
    static void writeText() throws IOException {
        text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(60_000));
    }

    @Test
    void killedTrainingResumesToTheWeightsOfAnUninterruptedRun() throws Exception {
        List<String> args =
                args(
                        "train",
                        "--steps",
                        "20",
                        "--eval-every",
                        "2",
                        "--warmup-steps",
                        "4",
                        "--unet",
                        "--unet-learn-scale"); // skips and their optimizer state resume too
        Path reference = dir.resolve("train-reference");
        runUninterrupted(with(args, "--out", reference.toString()));
        assertTrue(Files.exists(reference.resolve("model").resolve(UnetSkips.FILE)));
        int kills = 0;
        for (int round = 0; kills < KILLS; round++) {
            Path crashed = dir.resolve("train-crashed-" + round);
            kills +=
                    killUntilDone(
                            with(args, "--out", crashed.toString()), 11 + round, 6, KILLS - kills);
            assertSameTensors(reference.resolve("model"), crashed.resolve("model"));
            assertEquals(metricLines(reference), metricLines(crashed));
        }
    }

    @Test
    void killedCycleResumesToTheWeightsAndLogsOfAnUninterruptedRun() throws Exception {
        List<String> args =
                args(
                        "cycle",
                        "--initial-training-steps",
                        "6",
                        "--learning-steps",
                        "6",
                        "--cycles",
                        "2",
                        "--warmup-steps",
                        "3",
                        "--metric-batches",
                        "1",
                        "--sample-tokens",
                        "4",
                        "--runs-dir",
                        dir.toString());
        runUninterrupted(with(args, "--experiment-name", "cycle-reference"));
        Path reference = dir.resolve("cycle-reference");
        int kills = 0;
        for (int round = 0; kills < KILLS; round++) {
            String name = "cycle-crashed-" + round;
            kills +=
                    killUntilDone(
                            with(args, "--experiment-name", name), 23 + round, 8, KILLS - kills);
            Path crashed = dir.resolve(name);
            assertSameTensors(reference.resolve("resume/model"), crashed.resolve("resume/model"));
            for (String log : List.of("metrics.jsonl", "events.jsonl", "heads.jsonl")) {
                assertEquals(
                        jsonLines(reference.resolve(log)), jsonLines(crashed.resolve(log)), log);
            }
        }
    }

    @Test
    void killedUpgradeResumesToTheModelAndLogsOfAnUninterruptedRun() throws Exception {
        Path model = dir.resolve("upgrade-model");
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm lm =
                        Families.preset("nano")
                                .orElseThrow()
                                .initialize(256, 2, 2, 32, manager, 1)) {
            ModelFiles.save(lm, model);
            new ByteTokenizer().save(model);
        }
        List<String> args =
                List.of(
                        "upgrade",
                        model.toString(),
                        "--dataset",
                        text.toString(),
                        "--cycles",
                        "3",
                        "--training-steps",
                        "2",
                        "--update-frequency",
                        "1",
                        "--seq-len",
                        "32",
                        "--batch-size",
                        "4",
                        "--eval-batches",
                        "1",
                        "--metric-batches",
                        "1");
        Path reference = dir.resolve("upgrade-reference");
        runUninterrupted(with(args, "-o", reference.toString()));
        int kills = 0;
        for (int round = 0; kills < KILLS; round++) {
            Path crashed = dir.resolve("upgrade-crashed-" + round);
            kills +=
                    killUntilDone(
                            with(args, "-o", crashed.toString(), "--force"),
                            31 + round,
                            12,
                            KILLS - kills);
            assertSameTensors(reference.resolve("model"), crashed.resolve("model"));
            for (String log : List.of("metrics/integration_metrics.jsonl", "events.jsonl")) {
                assertEquals(
                        jsonLines(reference.resolve(log)), jsonLines(crashed.resolve(log)), log);
            }
        }
    }

    private static List<String> args(String command, String... more) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(List.of(MODEL));
        a.addAll(List.of("--dataset", text.toString()));
        a.addAll(List.of(more));
        return a;
    }

    private static String[] with(List<String> args, String... more) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /**
     * Runs the command in a child JVM, killing it after a seeded number of its output lines (up to
     * {@code maxLines}) plus a seeded delay, at most {@code wanted} times, and resuming it, until
     * one life completes; returns the kills made.
     */
    private static int killUntilDone(String[] args, long seed, int maxLines, int wanted)
            throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int kills = 0;
        boolean started = false;
        for (int life = 0; life < 200; life++) {
            int lines = random.nextInt(maxLines + 1);
            long extraMillis = random.nextInt(501);
            Process child = start(args, started);
            started = true;
            BufferedReader out =
                    new BufferedReader(
                            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            if (kills < wanted && outlives(child, out, lines, seen)) {
                Thread.sleep(extraMillis);
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                child.waitFor(60, TimeUnit.SECONDS);
                kills++;
                continue;
            }
            for (String line; (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
            }
            String rest = seen.toString();
            assertTrue(child.waitFor(300, TimeUnit.SECONDS), "the child did not finish");
            if (child.exitValue() == 0) {
                return kills;
            }
            if (child.exitValue() == 2
                    && (rest.contains("no checkpoint in")
                            || rest.contains("no run in")
                            || rest.contains("no upgrade state in"))) {
                started = false; // killed before anything was saved: start over, as a user would
                continue;
            }
            throw new AssertionError(
                    "life " + life + " exited " + child.exitValue() + ":\n" + rest);
        }
        throw new AssertionError("the run never completed after " + kills + " kills");
    }

    /**
     * Reads the child's output until its {@code lines}-th line; false when it ended first (it
     * completed).
     */
    private static boolean outlives(
            Process child, BufferedReader out, int lines, StringBuilder seen) throws IOException {
        for (int i = 0; i < lines; i++) {
            String line = out.readLine();
            if (line == null) {
                return false;
            }
            seen.append(line).append('\n');
        }
        return child.isAlive();
    }

    /**
     * The reference: the same command in a child JVM like every life of a killed run, never killed.
     */
    private static void runUninterrupted(String[] args) throws Exception {
        assertEquals(0, killUntilDone(args, 0, 0, 0));
    }

    private static Process start(String[] args, boolean resume) throws IOException {
        List<String> command = new ArrayList<>(List.of(args));
        if (resume) {
            command.add("--resume");
        }
        ProcessBuilder child = ChildJvm.sentinel(command);
        // One engine thread in every process. CI once (2026-12-03) ended a killed cycle run a few
        // last bits away from the in-process reference (a bias 6e-8 off after 18 steps) in a way
        // no local run reproduced: 110 kills and the reference run in- and out-of-process after
        // the whole suite were all bit-identical. The likely source, not proven: threaded CPU
        // kernels (MKL's products among them), whose summation order follows the thread count (a
        // 1-thread run ends up to 1.5e-5 from a 2-thread one). With one thread that freedom is
        // gone, and what remains to differ is the resume logic this test is about.
        child.environment().put("OMP_NUM_THREADS", "1");
        child.environment().put("MKL_NUM_THREADS", "1");
        return child.start();
    }

    private static void assertSameTensors(Path expectedFolder, Path actualFolder)
            throws IOException {
        List<String> files =
                new ArrayList<>(List.of("model.safetensors", "sentinel_heads.safetensors"));
        assertEquals(
                Files.exists(expectedFolder.resolve(UnetSkips.FILE)),
                Files.exists(actualFolder.resolve(UnetSkips.FILE)));
        if (Files.exists(expectedFolder.resolve(UnetSkips.FILE))) {
            files.add(UnetSkips.FILE);
        }
        for (String file : files) {
            try (SafetensorsFile expected = SafetensorsFile.open(expectedFolder.resolve(file));
                    SafetensorsFile actual = SafetensorsFile.open(actualFolder.resolve(file))) {
                assertEquals(expected.entries().keySet(), actual.entries().keySet());
                for (String name : expected.entries().keySet()) {
                    assertArrayEquals(
                            expected.readFloats(name),
                            actual.readFloats(name),
                            0f,
                            file + " " + name);
                }
            }
        }
        assertEquals(
                Files.readString(expectedFolder.resolve("config.json")),
                Files.readString(actualFolder.resolve("config.json")));
    }

    /**
     * metrics.jsonl of a train run without its timing fields: event, step and the measured values.
     */
    private static List<String> metricLines(Path run) throws IOException {
        return jsonLines(run.resolve("metrics.jsonl"));
    }

    /**
     * Every line of a JSONL log with keys sorted, wall-clock and memory fields dropped and numbers
     * to 7 significant digits. The weights are compared bit for bit (assertSameTensors); a logged
     * evaluation may differ in the last bits between two processes (seen once at step 0: 5.5383588
     * vs 5.5383587, the libraries' kernels depend on how the process's memory happens to be
     * aligned), which says nothing about resuming.
     */
    private static List<String> jsonLines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            TreeMap<String, String> sorted = new TreeMap<>();
            o.entrySet().forEach(e -> sorted.put(e.getKey(), rounded(e.getValue())));
            sorted.keySet()
                    .removeAll(
                            List.of(
                                    "tokens_per_second",
                                    "elapsed_seconds",
                                    "seconds",
                                    "rss_bytes",
                                    "peak_rss_bytes",
                                    "heap_used_bytes",
                                    "heap_committed_bytes"));
            out.add(sorted.toString());
        }
        return out;
    }

    private static String rounded(com.google.gson.JsonElement e) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return String.format(java.util.Locale.ROOT, "%.7g", e.getAsDouble());
        }
        if (e.isJsonArray()) {
            List<String> items = new ArrayList<>();
            e.getAsJsonArray().forEach(item -> items.add(rounded(item)));
            return items.toString();
        }
        return e.toString();
    }
}
