package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.TinyModels;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in process: outputs, files, and one-line errors with exit code 2. */
class SentinelCliTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = SentinelCli.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void trainsThenGeneratesEvaluatesAndDescribesTheSavedModel(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Files.readString(TinyModels.shared().resolve("data/tinyshakespeare.txt"))
                .substring(0, 60_000));
        Path out = dir.resolve("run");
        Run train = run("train", "-m", "nano", "--dataset", text.toString(), "--steps", "20", "--batch-size", "4",
                "--seq-len", "32", "--eval-every", "10", "--eval-batches", "2", "--out", out.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("model saved to"), train.out());
        for (String f : List.of("model/config.json", "model/model.safetensors", "model/sentinel_heads.safetensors",
                "model/tokenizer.json", "checkpoint/train_state.json", "run-config.json", "metrics.jsonl")) {
            assertTrue(Files.exists(out.resolve(f)), "missing " + f);
        }
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertTrue(lines.size() >= 4);
        for (String line : lines) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertTrue(o.has("event") && o.has("step"));
        }
        assertEquals(20, JsonParser.parseString(Files.readString(out.resolve("run-config.json"))).getAsJsonObject()
                .get("steps").getAsInt());

        Run generate = run("generate", "-m", out.resolve("model").toString(), "--prompt", "KING", "--max-new-tokens",
                "10", "--temperature", "0");
        assertEquals(0, generate.code(), generate.err());
        assertTrue(generate.out().startsWith("KING"));
        Run eval = run("eval", "-m", out.resolve("model").toString(), "--dataset", text.toString(), "--seq-len", "32");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("perplexity"));
        Run info = run("info", "-m", out.resolve("model").toString());
        assertTrue(info.out().contains("16 present, 16 active"), info.out());

        Run resumed = run("train", "-m", "nano", "--dataset", text.toString(), "--steps", "24", "--batch-size", "4",
                "--seq-len", "32", "--eval-every", "10", "--eval-batches", "2", "--out", out.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("Resuming at step 20 of 24"), resumed.err());
    }

    @Test
    void badInputGetsOneLineNamingTheProblemAndExitCode2(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("short.txt");
        Files.writeString(text, "too short");
        assertBadInput(run("train", "-m", "no-such-model"), "neither a preset");
        assertBadInput(run("train", "-m", "nano", "--schedule", "wiggly"), "COSINE, LINEAR, CONSTANT");
        assertBadInput(run("train", "-m", "nano", "--dataset", text.toString(), "--seq-len", "32"), "shorter");
        assertBadInput(run("train", "-m", "nano", "--data-dir", dir.toString()), "tinyshakespeare.txt");
        assertBadInput(run("generate", "-m", "nano", "--top-p", "1.5"), "top-p must be in (0, 1]");
        assertBadInput(run("train", "-m", "nano", "--seq-len", "100000", "--dataset", text.toString()), "--seq-len");
        assertBadInput(run("prune", "-m", "nano", "--fraction", "1.0", "-o", dir.resolve("p").toString()),
                "pruning fraction must be in [0, 1), got 1.0");
        assertBadInput(run("cycle", "-m", "nano", "--initial-pruning", "-0.1"), "initial pruning must be in [0, 1)");
        assertBadInput(run("prune", "-m", "nano", "--strategy", "loudest", "-o", dir.toString()),
                "ENTROPY, MAGNITUDE, GRADIENT, IMPORTANCE, RANDOM, UNIFORM, COMBINED");
        assertBadInput(run("grow", "-m", "nano", "--strategy", "bigger", "-o", dir.toString()),
                "GRADIENT_SENSITIVITY, ENTROPY_GAP, BALANCED, RANDOM, IMPORTANCE");
        assertBadInput(run("eval", "-m", dir.resolve("missing-model").toString()), "neither a preset");
        assertBadInput(run("train", "-m", "nano", "--dataset", "no_such_dataset"), "europarl-en");
        Run verbose = run("train", "-m", "no-such-model", "--verbose");
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace");
    }

    private static void assertBadInput(Run r, String fragment) {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("sentinel: ") && err.contains(fragment), err);
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
    }
}
