package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.testing.CliRun;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench generate} and {@code bench load}: argument checks, and one tiny run of each. */
class BenchCommandTest {
    private static final int BAD_INPUT = SentinelCli.EXIT_BAD_INPUT;

    @Test
    void generateReportsTokensPerSecondOfATinyShape() {
        CliRun r =
                CliRun.of(
                        "bench",
                        "generate",
                        "--shape",
                        "llama-nano",
                        "--vocab",
                        "64",
                        "--batch-size",
                        "2",
                        "--prompt-len",
                        "4",
                        "--new-tokens",
                        "3",
                        "--warmup",
                        "0",
                        "--repeats",
                        "1",
                        "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"tokens_per_second\":"), r.out());
        assertTrue(r.out().contains("\"bandwidth_bound_tokens_per_second\":"), r.out());
        CliRun single =
                CliRun.of(
                        "bench",
                        "generate",
                        "--shape",
                        "llama-nano",
                        "--vocab",
                        "64",
                        "--prompt-len",
                        "4",
                        "--new-tokens",
                        "3",
                        "--warmup",
                        "0",
                        "--repeats",
                        "1");
        assertEquals(0, single.code(), single.err());
        assertTrue(single.out().contains("new tokens/s"), single.out());
    }

    /**
     * {@code bench prune}: the share of query heads really removed, each rate's median and range,
     * and the FLOPs per token before and after (llama-nano: 4 layers × 4 query heads in 2 groups;
     * balanced 0.5 removes one head per group).
     */
    @Test
    void prunePrintsTheRemovedShareRatesWithRangesAndFlops() {
        CliRun r =
                CliRun.of(
                        "bench",
                        "prune",
                        "--shape",
                        "llama-nano",
                        "--vocab",
                        "64",
                        "--seq-len",
                        "16",
                        "--steps",
                        "2",
                        "--new-tokens",
                        "2",
                        "--gqa-policy",
                        "balanced",
                        "--fraction",
                        "0.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("8 of 16 query heads removed (50.0%, balanced)"), r.out());
        assertTrue(
                java.util.regex.Pattern.compile(
                                "forward \\d+ \\[\\d+–\\d+\\] → \\d+ \\[\\d+–\\d+\\] tokens/s")
                        .matcher(r.out())
                        .find(),
                r.out());
        assertTrue(
                java.util.regex.Pattern.compile("FLOPs/token [0-9.]+ → [0-9.]+ M \\(−[0-9.]+%\\)")
                        .matcher(r.out())
                        .find(),
                r.out());
    }

    @Test
    void generateRefusesBadArguments() {
        assertRefused(
                "--new-tokens", "bench", "generate", "--shape", "llama-nano", "--new-tokens", "0");
        assertRefused(
                "--batch-size must be >= 1, got 0",
                "bench",
                "generate",
                "--shape",
                "llama-nano",
                "--batch-size",
                "0");
        assertRefused("--vocab must be >= 1, got 0", "bench", "train", "--vocab", "0");
        assertRefused(
                "--warmup-steps must be >= 0, got -1", "bench", "train", "--warmup-steps", "-1");
        assertRefused(
                "128 positions",
                "bench",
                "generate",
                "--shape",
                "llama-nano",
                "--vocab",
                "64",
                "--prompt-len",
                "100",
                "--new-tokens",
                "29");
        assertRefused("smollm2-135m", "bench", "generate", "--shape", "no-such-shape");
    }

    @Test
    void controllerTimesTheControllerApartFromTraining() {
        CliRun r =
                CliRun.of(
                        "bench",
                        "controller",
                        "--shape",
                        "llama-nano",
                        "--vocab",
                        "64",
                        "--batch-size",
                        "2",
                        "--seq-len",
                        "16",
                        "--steps",
                        "4",
                        "--controller",
                        "threshold",
                        "--controller-interval",
                        "2",
                        "--controller-batches",
                        "1",
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o =
                JsonParser.parseString(r.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                        .getAsJsonObject();
        assertEquals("threshold", o.get("controller").getAsString());
        assertTrue(o.get("controller_seconds").getAsDouble() > 0, "two measurements were timed");
        assertTrue(o.get("training_seconds").getAsDouble() > 0);
        assertRefused("--controller is required", "bench", "controller", "--shape", "llama-nano");
    }

    @Test
    void unetReportsTheSkipsWeightsAndBothOverheads() {
        CliRun r =
                CliRun.of(
                        "bench",
                        "unet",
                        "--shape",
                        "opt-nano",
                        "--vocab",
                        "64",
                        "--batch-size",
                        "2",
                        "--seq-len",
                        "16",
                        "--steps",
                        "1",
                        "--rounds",
                        "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*skips add [0-9,]+ weights to [0-9,]+.*"), r.out());
        assertTrue(r.out().contains("forward ") && r.out().contains("training step "), r.out());
        assertRefused("--rounds", "bench", "unet", "--shape", "nano", "--rounds", "0");
    }

    @Test
    void loadNeedsExactlyOneOfAFolderOrTheCheckpointToWrite(@TempDir Path dir) {
        assertRefused("neither", "bench", "load");
        assertRefused(
                "both", "bench", "load", dir.toString(), "--write-checkpoint", dir.toString());
        assertRefused("does not exist", "bench", "load", dir.resolve("missing").toString());
    }

    @Test
    void loadReportsPeakMemoryAgainstTheF32Size(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(64, 1, 2, 16, m, 1)) {
            ModelFiles.save(model, dir);
        }
        CliRun r = CliRun.of("bench", "load", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("peak resident memory"), r.out());
        assertTrue(r.out().contains("× the F32 weights"), r.out());
    }

    private static void assertRefused(String message, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(BAD_INPUT, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
    }
}
