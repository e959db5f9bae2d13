package ai.sentinel.cli;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.io.Json;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.testing.ChildJvm;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import ai.sentinel.tokenizer.ByteTokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sentinel upgrade} end to end: tiny GPT-2, OPT and Llama models placed in a fake Hugging
 * Face hub cache, each upgraded by its id in a child JVM (the cache is found through the
 * environment, as a user's would be); every output exists and parses, and the exported {@code
 * hf_model/} loaded as a plain folder (no Sentinel sidecar: every gate 1) computes the upgraded
 * model's logits.
 */
class UpgradeCommandTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    @TempDir static Path dir;
    private static Path text;

    @BeforeAll
    static void writeText() throws IOException {
        text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(40_000));
    }

    @Test
    void upgradesTinyGpt2OptAndLlamaModelsFromTheHubCache() throws Exception {
        Path cache = dir.resolve("hub");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String preset : List.of("nano", "opt-nano", "llama-nano")) {
                cacheModel(cache, preset, manager);
            }
        }
        String[][] runs = {{"nano", "threshold"}, {"opt-nano", "static"}, {"llama-nano", "ann"}};
        for (String[] run : runs) {
            Path out = dir.resolve("upgrade-" + run[0]);
            String log =
                    child(
                            cache,
                            "upgrade",
                            "acme/tiny-" + run[0],
                            "--dataset",
                            text.toString(),
                            "--cycles",
                            "2",
                            "--training-steps",
                            "3",
                            "--controller",
                            run[1],
                            "--update-frequency",
                            "1",
                            "--eval-batches",
                            "2",
                            "--metric-batches",
                            "1",
                            "--batch-size",
                            "4",
                            "--seq-len",
                            "32",
                            "-o",
                            out.toString());
            assertTrue(
                    log.contains("[cycle 2/2]"),
                    run[0] + ": the progress names cycle and phase\n" + log);
            assertOutputs(run[0], out);
            assertPlainExportComputesTheUpgradedModel(run[0], out);
        }
    }

    @Test
    void aDryRunWritesOnlyThePlan() throws Exception {
        Path model = tinyModelFolder();
        Path out = dir.resolve("dry");
        CliRun r =
                CliRun.of(
                        "upgrade",
                        "-m", // as every command takes it; the first argument works too
                        model.toString(),
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--batch-size",
                        "4",
                        "--eval-batches",
                        "2",
                        "--dry-run",
                        "-o",
                        out.toString());
        assertEquals(0, r.code(), r.err());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(out.resolve("plan.json")), files.toList());
        }
        JsonObject plan = Json.readObject(out.resolve("plan.json"));
        assertEquals(3, plan.get("cycles").getAsInt());
        assertEquals(
                16,
                plan.getAsJsonArray("stages")
                        .get(0)
                        .getAsJsonObject()
                        .get("activeHeads")
                        .getAsInt());
        assertTrue(plan.get("secondsPerTrainingStep").getAsDouble() > 0);
        assertTrue(plan.get("estimatedSeconds").getAsDouble() > 0);
        assertTrue(plan.get("peakResidentGigabytes").getAsDouble() > 0);
    }

    @Test
    void aDryRunThenTheSameCommandWithoutItUpgradesAndReplacesThePlan() throws Exception {
        Path out = dir.resolve("dry-then-real");
        List<String> args = new ArrayList<>(tinyUpgrade(tinyModelFolder(), out));
        args.add("--dry-run");
        CliRun dry = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, dry.code(), dry.err());
        assertFalse(dry.out().contains("{"), "the plan is printed for a person:\n" + dry.out());
        assertTrue(dry.out().contains("1 cycle of 2 learning steps each"), dry.out());
        String idle = "note: the threshold controller never acts: each cycle learns 2 steps";
        assertTrue(dry.err().contains(idle), "said before the dry run:\n" + dry.err());
        String last = dry.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.endsWith("."), "an unfinished last line: " + last);
        JsonObject plan = Json.readObject(out.resolve("plan.json"));
        assertEquals(text.toString(), plan.get("dataset").getAsString());
        assertEquals(
                plan.get("dataset").getAsString(),
                plan.getAsJsonObject("config").get("dataset").getAsString(),
                "the plan's config names another dataset than the plan");

        args.remove("--dry-run");
        CliRun real = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, real.code(), real.err());
        assertFalse(Files.exists(out.resolve("plan.json")), "the run replaces the dry run's plan");
        assertTrue(
                real.out().contains("; 1 of 1 cycle kept")
                        || real.out().contains("; 0 of 1 cycle kept"),
                real.out());
        int said = real.err().indexOf(idle);
        assertTrue(
                said >= 0 && said < real.err().indexOf("[cycle 0/1] baseline"),
                "said before the run starts:\n" + real.err());
        String written = Files.readString(out.resolve("upgrade_summary.md"));
        assertTrue(written.contains("1 cycle asked, 1 run"), written);
        assertFalse(written.contains("tokens/s"), "a warm-up artefact, not a speed:\n" + written);
        assertTrue(
                Files.readString(out.resolve("report.html")).contains("Limits: perplexity +15.0%"),
                "the report states the limits as the summary does");

        args.add("--dry-run");
        String summary = Files.readString(out.resolve("upgrade_summary.md"));
        assertBadInput("already holds files", args.toArray(String[]::new));
        assertFalse(Files.exists(out.resolve("plan.json")), "a plan beside a real run's results");
        assertEquals(summary, Files.readString(out.resolve("upgrade_summary.md")));
    }

    /**
     * The smallest upgrade of {@code model} into {@code out}: one cycle of two steps, a threshold
     * controller that would decide every five.
     */
    private static List<String> tinyUpgrade(Path model, Path out) {
        return List.of(
                "upgrade",
                model.toString(),
                "--dataset",
                text.toString(),
                "--cycles",
                "1",
                "--training-steps",
                "2",
                "--controller",
                "threshold",
                "--update-frequency",
                "5",
                "--eval-batches",
                "2",
                "--metric-batches",
                "1",
                "--batch-size",
                "4",
                "--seq-len",
                "32",
                "--no-inference",
                "-o",
                out.toString());
    }

    @Test
    void badConfigurationsAreOneLineBeforeAnyWork() throws Exception {
        Path model = tinyModelFolder();
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "cycles: 2\nplasticity_config:\n  max_degeneration: 2\n");
        assertBadInput(
                "unknown key \"plasticity_config.max_degeneration",
                "upgrade",
                model.toString(),
                "--config",
                config.toString(),
                "-o",
                dir.resolve("x").toString());
        Files.writeString(config, "growth_ratio: 7\n");
        assertBadInput(
                "growth_ratio must be in [0, 1], got 7",
                "upgrade",
                model.toString(),
                "--config",
                config.toString(),
                "-o",
                dir.resolve("x").toString());
        assertBadInput(
                "controller_type must be ann, learned, threshold or static",
                "upgrade",
                model.toString(),
                "--controller",
                "magic",
                "-o",
                dir.resolve("x").toString());
        Path used = dir.resolve("used");
        Files.createDirectories(used);
        Files.writeString(used.resolve("keep.txt"), "mine");
        assertBadInput(
                "already holds files",
                "upgrade",
                model.toString(),
                "--dataset",
                text.toString(),
                "-o",
                used.toString());
        assertBadInput(
                "no upgrade state in",
                "upgrade",
                model.toString(),
                "--resume",
                "-o",
                dir.resolve("never").toString());
        assertBadInput(
                "--dry-run plans a new upgrade and --resume continues one",
                "upgrade",
                model.toString(),
                "--dry-run",
                "--resume",
                "-o",
                used.toString());
        assertEquals("mine", Files.readString(used.resolve("keep.txt")));
    }

    @Test
    void aResumeWithOtherOptionsNamesEachThatDiffersBeforeAnyWork() throws Exception {
        Path model = tinyModelFolder();
        Path out = dir.resolve("resumed");
        Files.createDirectories(out.resolve("state"));
        Files.writeString(out.resolve("state/upgrade_state.json"), "{}"); // never read: refused
        JsonObject recorded = new JsonObject();
        recorded.addProperty("seed", 1);
        recorded.addProperty("batch_size", 4);
        Json.write(out.resolve("upgrade_config.json"), recorded);
        CliRun r =
                CliRun.of(
                        "upgrade",
                        model.toString(),
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--batch-size",
                        "4",
                        "--seed",
                        "2",
                        "--resume",
                        "-o",
                        out.toString());
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(
                err.contains("was started with other options (upgrade_config.json)")
                        && err.contains("seed: 1 in the run, 2 now")
                        && err.contains("cycles: none in the run, 3 now")
                        && !err.contains("batch_size"),
                err);
    }

    private static void assertBadInput(String fragment, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private static void assertOutputs(String what, Path out) throws IOException {
        for (String file :
                List.of(
                        "hf_model/config.json",
                        "hf_model/model.safetensors",
                        "hf_model/tokenizer.json",
                        "hf_model/README.md",
                        "model/config.json",
                        "metrics/integration_metrics.jsonl",
                        "upgrade_summary.md",
                        "report.html",
                        "upgrade_config.json",
                        "upgrade_perplexity.png")) {
            assertTrue(Files.isRegularFile(out.resolve(file)), what + ": " + file);
        }
        Set<String> phases =
                Set.of(
                        "baseline",
                        "pruned",
                        "grown",
                        "learned",
                        "accepted",
                        "rolled_back",
                        "final");
        List<String> seen = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics/integration_metrics.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertTrue(phases.contains(o.get("phase").getAsString()), what + ": " + line);
            assertTrue(o.get("perplexity").getAsDouble() > 1, what + ": " + line);
            assertTrue(
                    o.get("peak_rss_bytes").getAsLong() >= o.get("rss_bytes").getAsLong()
                            && o.get("heap_used_bytes").getAsLong() > 0,
                    what + ": memory at the phase's end: " + line);
            seen.add(o.get("phase").getAsString());
        }
        assertEquals("baseline", seen.get(0), what);
        assertEquals("final", seen.get(seen.size() - 1), what);
        assertEquals(
                2,
                seen.stream().filter(p -> p.equals("accepted") || p.equals("rolled_back")).count(),
                what + ": one decision per cycle");
        for (String line : Files.readAllLines(out.resolve("events.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertTrue(o.has("upgrade_cycle") && o.has("cycle_accepted"), what + ": " + line);
        }
        String summary = Files.readString(out.resolve("upgrade_summary.md"));
        assertTrue(summary.contains("| validation perplexity |"), summary);
        assertTrue(summary.contains("10 × (seq-rep-4"), "the degeneration formula is stated");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64"));
        if (ai.sentinel.io.ProcessMemory.now().isPresent()) { // Linux: each phase's memory
            for (String phase : List.of("| 0 | baseline | ", "| 2 | final | ")) {
                assertTrue(summary.contains(phase), what + ": no row " + phase + "\n" + summary);
            }
            assertTrue(html.contains("<h2>Time and memory by phase</h2>"), what);
        }
    }

    /** The plain export reloads (gates ignored) and gives the Sentinel model's logits. */
    private static void assertPlainExportComputesTheUpgradedModel(String what, Path out)
            throws IOException {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm upgraded = ModelFiles.load(out.resolve("model"), m);
                CausalLm plain = ModelFiles.load(out.resolve("hf_model"), m);
                NDScope scope = new NDScope()) {
            assertTrue(
                    !Files.exists(out.resolve("hf_model").resolve(ModelFiles.HEADS_FILE)),
                    "no sidecar in the plain export");
            assertEquals(
                    plain.config().numLayers() * plain.config().numHeads(),
                    plain.gates().numActive(),
                    "a plain folder opens every gate");
            long[] ids = new long[2 * 16];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 37 + 11) % 256;
            }
            NDArray tokens = EngineArrays.of(m, ids, new Shape(2, 16));
            assertAllClose(
                    floats(upgraded.forward(tokens, AttentionProbe.NONE)),
                    floats(plain.forward(tokens, AttentionProbe.NONE)),
                    1e-4,
                    what + ": hf_model logits");
            Path compact = out.resolve("hf_compact");
            if (Files.exists(compact)) {
                try (CausalLm small = ModelFiles.load(compact, m)) {
                    assertAllClose(
                            floats(upgraded.forward(tokens, AttentionProbe.NONE)),
                            floats(small.forward(tokens, AttentionProbe.NONE)),
                            1e-4,
                            what + ": hf_compact logits");
                }
            }
        }
    }

    private static Path tinyModelFolder() throws IOException {
        Path folder = dir.resolve("tiny-model");
        if (!Files.exists(folder)) {
            try (NDManager manager = NDManager.newBaseManager();
                    CausalLm model =
                            Families.preset("nano")
                                    .orElseThrow()
                                    .initialize(256, 4, 4, 32, manager, 1)) {
                ModelFiles.save(model, folder);
                new ByteTokenizer().save(folder);
            }
        }
        return folder;
    }

    /** A preset's tiny model under {@code acme/tiny-<preset>}, laid out as huggingface_hub does. */
    private static void cacheModel(Path cache, String preset, NDManager manager)
            throws IOException {
        Path repo = cache.resolve("models--acme--tiny-" + preset);
        Path snapshot = repo.resolve("snapshots").resolve(COMMIT);
        try (CausalLm model =
                Families.preset(preset).orElseThrow().initialize(256, 2, 4, 32, manager, 1)) {
            ModelFiles.save(model, snapshot);
        }
        Files.delete(snapshot.resolve(ModelFiles.HEADS_FILE)); // a plain Hugging Face folder
        new ByteTokenizer().save(snapshot);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs").resolve("main"), COMMIT);
    }

    /** Runs the command line in a child JVM with {@code HF_HUB_CACHE} set; returns its output. */
    private static String child(Path cache, String... args) throws Exception {
        ProcessBuilder pb = ChildJvm.sentinel(List.of(args));
        pb.environment().put("HF_HUB_CACHE", cache.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the upgrade did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
