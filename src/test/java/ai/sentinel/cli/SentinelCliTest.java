package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.model.Families;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end, in process: outputs, files, and one-line errors with exit code 2.
 */
class SentinelCliTest {
    @Test
    void trainsThenGeneratesEvaluatesAndDescribesTheSavedModel(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(60_000));
        Path out = dir.resolve("run");
        CliRun train =
                CliRun.of(
                        "train",
                        "-m",
                        "nano",
                        "--dataset",
                        text.toString(),
                        "--steps",
                        "20",
                        "--batch-size",
                        "4",
                        "--seq-len",
                        "32",
                        "--eval-every",
                        "10",
                        "--eval-batches",
                        "2",
                        "--out",
                        out.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("model saved to"), train.out());
        for (String f :
                List.of(
                        "model/config.json",
                        "model/model.safetensors",
                        "model/sentinel_heads.safetensors",
                        "model/tokenizer.json",
                        "checkpoint/train_state.json",
                        "run-config.json",
                        "metrics.jsonl")) {
            assertTrue(Files.exists(out.resolve(f)), "missing " + f);
        }
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertTrue(lines.size() >= 4);
        for (String line : lines) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertTrue(o.has("event") && o.has("step"));
        }
        assertEquals(
                20,
                JsonParser.parseString(Files.readString(out.resolve("run-config.json")))
                        .getAsJsonObject()
                        .get("steps")
                        .getAsInt());

        CliRun generate =
                CliRun.of(
                        "generate",
                        "-m",
                        out.resolve("model").toString(),
                        "--prompt",
                        "KING",
                        "--max-new-tokens",
                        "10",
                        "--temperature",
                        "0");
        assertEquals(0, generate.code(), generate.err());
        assertTrue(generate.out().startsWith("KING"));
        CliRun eval =
                CliRun.of(
                        "eval",
                        "-m",
                        out.resolve("model").toString(),
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("perplexity"));
        CliRun info = CliRun.of("info", "-m", out.resolve("model").toString());
        assertTrue(info.out().contains("16 present, 16 active"), info.out());

        CliRun resumed =
                CliRun.of(
                        "train",
                        "-m",
                        "nano",
                        "--dataset",
                        text.toString(),
                        "--steps",
                        "24",
                        "--batch-size",
                        "4",
                        "--seq-len",
                        "32",
                        "--eval-every",
                        "10",
                        "--eval-batches",
                        "2",
                        "--out",
                        out.toString(),
                        "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("Resuming at step 20 of 24"), resumed.err());

        CliRun other =
                CliRun.of(
                        "train",
                        "-m",
                        "nano",
                        "--dataset",
                        text.toString(),
                        "--steps",
                        "28",
                        "--batch-size",
                        "4",
                        "--seq-len",
                        "32",
                        "--eval-every",
                        "10",
                        "--eval-batches",
                        "2",
                        "--lr",
                        "1e-2",
                        "--out",
                        out.toString(),
                        "--resume");
        assertBadInput(
                other,
                "was started with other options (run-config.json): lr: 0.003 in the run, 0.01 now;"
                        + " resume with the same options");
    }

    @Test
    void badInputGetsOneLineNamingTheProblemAndExitCode2(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("short.txt");
        Files.writeString(text, "too short");
        assertBadInput(CliRun.of("train", "-m", "no-such-model"), "neither a preset");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--schedule", "wiggly"),
                "COSINE, LINEAR, CONSTANT");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--dataset", text.toString(), "--seq-len", "32"),
                "shorter");
        Path binary = dir.resolve("binary.txt");
        Files.write(binary, new byte[] {'a', 'b', (byte) 0xff, 0, 1});
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--dataset", binary.toString()),
                binary
                        + " is not UTF-8 text:"
                        + " an invalid UTF-8 byte sequence at byte offset 2");
        assertBadInput(
                CliRun.of(
                        "train",
                        "-m",
                        "nano",
                        "--dataset",
                        binary.toString(),
                        "--encoding",
                        "klingon"),
                "--encoding klingon is not a character set");
        assertBadInput(
                CliRun.of("generate", "-m", "nano", "--top-p", "1.5"), "top-p must be in (0, 1]");
        assertBadInput(
                CliRun.of(
                        "train", "-m", "nano", "--seq-len", "100000", "--dataset", text.toString()),
                "--seq-len");
        assertBadInput(
                CliRun.of(
                        "prune",
                        "-m",
                        "nano",
                        "--fraction",
                        "1.0",
                        "-o",
                        dir.resolve("p").toString()),
                "pruning fraction must be in [0, 1), got 1.0");
        assertBadInput(
                CliRun.of("cycle", "-m", "nano", "--initial-pruning", "-0.1"),
                "initial pruning must be in [0, 1)");
        assertBadInput(
                CliRun.of(
                        "prune",
                        "-m",
                        "nano",
                        "--pruning-strategy",
                        "loudest",
                        "-o",
                        dir.toString()),
                "ENTROPY, MAGNITUDE, GRADIENT, IMPORTANCE, RANDOM, UNIFORM, COMBINED");
        assertBadInput(
                CliRun.of(
                        "grow", "-m", "nano", "--growth-strategy", "bigger", "-o", dir.toString()),
                "GRADIENT_SENSITIVITY, ENTROPY_GAP, BALANCED, RANDOM, IMPORTANCE");
        assertBadInput(
                CliRun.of("eval", "-m", dir.resolve("missing-model").toString()),
                "neither a preset");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--dataset", "no_such_dataset"), "europarl-en");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--steps", "0"), "--steps must be >= 1, got 0");
        String escape =
                String.join("/", "..", "..", "escape"); // a name that would climb out of --runs-dir
        assertBadInput(
                CliRun.of(
                        "cycle",
                        "-m",
                        "nano",
                        "--experiment-name",
                        escape,
                        "--runs-dir",
                        dir.toString()),
                "--experiment-name \"" + escape + "\" must be a single folder name");
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertBadInput(
                CliRun.of("prune", "-m", "nano", "-o", file.toString()),
                "--out " + file + " cannot be used: it is an existing file, not a folder");
        assertBadInput(
                CliRun.of("heads", "-m", "nano", "-o", file.resolve("inside").toString()),
                file + " is a file, so no folder can be made inside it");
        assertBadInput(CliRun.of("prune", "-m", "nano"), "Missing required option: '--out=DIR'");
        long t0 = System.nanoTime();
        assertBadInput(
                CliRun.of("demo", "--quick", "--out", "/proc/forbidden"),
                "--out /proc/forbidden cannot be" + " used: the folder cannot be created");
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "refused before any work");
        assertBadInput(
                CliRun.of("eval", "-m", "nano", "--device", "gpu"),
                "--device gpu: libtorch sees no GPU here");
        assertBadInput(
                CliRun.of("eval", "-m", "nano", "--device", "tpu"), "accepted: cpu, gpu, gpu:N");
        CliRun bare = CliRun.of();
        assertEquals(2, bare.code());
        assertTrue(
                bare.err().contains("Usage: sentinel") && bare.err().contains("train"), bare.err());
        CliRun verbose = CliRun.of("train", "-m", "no-such-model", "--verbose");
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace");
    }

    @Test
    void aWholeNumberTooLargeSaysTheBoundNotThatItIsNoInteger() {
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--steps", "99999999999"),
                "Invalid value for option '--steps': \"99999999999\" is too large: at most"
                        + " 2147483647");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--seed", "-99999999999999999999"),
                "\"-99999999999999999999\" is too small: at least -9223372036854775808");
        assertBadInput(
                CliRun.of("train", "-m", "nano", "--steps", "ten"),
                "'--steps': \"ten\" is not a whole number");
    }

    @Test
    void helpAndErrorsListTheSamePresets() {
        String trainHelp = CliRun.of("train", "--help").out().replaceAll("\\s+", " ");
        String benchHelp = CliRun.of("bench", "controller", "--help").out().replaceAll("\\s+", " ");
        String error = CliRun.of("train", "-m", "no-such-model").err();
        assertTrue(Families.presetNames().contains("smollm2-135m"));
        for (String preset : Families.presetNames()) {
            assertTrue(
                    trainHelp.contains(preset + ",") || trainHelp.contains(preset + ")"), preset);
            assertTrue(
                    benchHelp.contains(preset + ",") || benchHelp.contains(preset + ")"), preset);
            assertTrue(error.contains(preset), preset + ": " + error);
        }
    }

    private static void assertBadInput(CliRun r, String fragment) {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("sentinel: ") && err.contains(fragment), err);
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
    }
}
