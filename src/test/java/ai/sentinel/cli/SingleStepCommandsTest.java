package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.model.gpt2.Gpt2Preset;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import ai.sentinel.tokenizer.ByteTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** heads → prune → grow as single steps on a saved model folder. */
class SingleStepCommandsTest {
    private static int run(String... args) {
        return CliRun.of(args).code();
    }

    @Test
    void measurePruneCompressedThenGrowBack(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(30_000));
        Path start = dir.resolve("start");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = Gpt2Model.initialize(Gpt2Preset.NANO.config(256), m, 3)) {
            ModelFiles.save(model, start);
            new ByteTokenizer().save(start);
        }
        String[] data = {"--dataset", text.toString(), "--seq-len", "32", "--metric-batches", "1"};
        assertEquals(
                0,
                run(
                        concat(
                                new String[] {
                                    "heads",
                                    "-m",
                                    start.toString(),
                                    "-o",
                                    dir.resolve("heads").toString()
                                },
                                data)));
        for (String f :
                new String[] {"heads.json", "entropy.png", "gradient.png", "importance.png"}) {
            assertTrue(Files.size(dir.resolve("heads").resolve(f)) > 100, f);
        }
        CliRun prune =
                CliRun.of(
                        concat(
                                new String[] {
                                    "prune",
                                    "-m",
                                    start.toString(),
                                    "--fraction",
                                    "0.25",
                                    "--pruning-mode",
                                    "compressed",
                                    "-o",
                                    dir.resolve("pruned").toString()
                                },
                                data));
        assertEquals(0, prune.code(), prune.err());
        assertFalse(prune.out().contains("{"), "records belong in events.jsonl:\n" + prune.out());
        assertEquals(
                4,
                prune.out().lines().filter(l -> l.strip().startsWith("pruned L")).count(),
                "one line per pruned head:\n" + prune.out());
        assertEquals(
                4,
                Files.readAllLines(dir.resolve("pruned/events.jsonl")).stream()
                        .filter(l -> l.contains("\"pruned\""))
                        .count());
        assertEquals(
                0,
                run(
                        concat(
                                new String[] {
                                    "grow",
                                    "-m",
                                    dir.resolve("pruned").toString(),
                                    "--count",
                                    "2",
                                    "-o",
                                    dir.resolve("grown").toString()
                                },
                                data)));
        try (NDManager m = NDManager.newBaseManager();
                CausalLm pruned = ModelFiles.load(dir.resolve("pruned"), m);
                CausalLm grown = ModelFiles.load(dir.resolve("grown"), m)) {
            assertEquals(12, pruned.gates().numActive());
            assertEquals(14, grown.gates().numActive());
            assertTrue(
                    grown.numParameters() > pruned.numParameters(),
                    "compressed heads grow their slices back");
        }
        assertEquals(
                2,
                run(
                        concat(
                                new String[] {
                                    "grow",
                                    "-m",
                                    start.toString(),
                                    "-o",
                                    dir.resolve("x").toString()
                                },
                                data)),
                "nothing to grow in an unpruned model");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
