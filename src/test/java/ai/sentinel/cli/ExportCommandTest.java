package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sentinel export}: a compressed-pruned grouped-query model exported {@code hf-masked}
 * reloads at its original shapes with the perplexity Sentinel measured, with tokenizer files and a
 * model card; refusals are one line and exit code 2.
 */
class ExportCommandTest {
    @Test
    void aCompressedLlamaExportsMaskedWithTheSamePerplexity(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        Path pruned = prunedLlama(dir, text, "--fraction", "0.5", "--pruning-mode", "compressed");
        assertTrue(Files.readString(pruned.resolve("config.json")).contains("pruned_heads"));

        Path out = dir.resolve("export");
        CliRun export =
                CliRun.of(
                        "export",
                        "-m",
                        pruned.toString(),
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--eval-batches",
                        "2",
                        "-o",
                        out.toString());
        assertEquals(0, export.code(), export.err());
        assertSamePerplexity(export);
        assertFalse(Files.readString(out.resolve("config.json")).contains("pruned_heads"));
        assertFalse(Files.exists(out.resolve("sentinel_heads.safetensors")), "no sidecar");
        assertTrue(Files.exists(out.resolve("tokenizer.json")));
        String card = Files.readString(out.resolve("README.md"));
        assertTrue(card.contains("from_pretrained") && card.contains("removed"), card);

        CliRun again = CliRun.of("export", "-m", pruned.toString(), "-o", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("--force"), again.err());
        CliRun compact =
                CliRun.of(
                        "export",
                        "-m",
                        pruned.toString(),
                        "--format",
                        "hf-compact",
                        "-o",
                        dir.resolve("c").toString());
        assertEquals(2, compact.code());
        assertEquals(1, compact.err().strip().lines().count(), compact.err());
        assertFalse(Files.exists(dir.resolve("c")), "a refused export leaves no folder behind");
        for (String offer : new String[] {"--equalize", "hf-masked", "layer 0: ", "layer 1: "}) {
            assertTrue(compact.err().contains(offer), compact.err());
        }
    }

    /**
     * {@code --equalize}: a model whose layers keep different heads is masked further to a uniform
     * shape, exported {@code hf-compact} as a standard Llama config, and the reload computes what
     * the equalized Sentinel model computes; the perplexity cost is printed and in the card.
     */
    @Test
    void equalizeMasksAnUnevenModelToAUniformShapeAndExportsItCompact(@TempDir Path dir)
            throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        // 2 of 8 heads: whichever go, the layers or groups are left uneven
        Path pruned = prunedLlama(dir, text, "--fraction", "0.25");
        Path out = dir.resolve("compact");
        CliRun export =
                CliRun.of(
                        "export",
                        "-m",
                        pruned.toString(),
                        "--format",
                        "hf-compact",
                        "--equalize",
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--eval-batches",
                        "2",
                        "--metric-batches",
                        "1",
                        "-o",
                        out.toString());
        assertEquals(0, export.code(), export.err());
        assertSamePerplexity(export);
        Matcher cost =
                Pattern.compile(
                                "equalized: (\\d+) more heads masked .* perplexity ([0-9.]+) before")
                        .matcher(export.out());
        assertTrue(cost.find(), export.out());
        assertTrue(Integer.parseInt(cost.group(1)) > 0, export.out());
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"num_attention_heads\": 2"), config);
        assertFalse(config.contains("pruned_heads"), config);
        assertTrue(Files.readString(out.resolve("README.md")).contains("equalized"));

        CliRun masked =
                CliRun.of(
                        "export",
                        "-m",
                        pruned.toString(),
                        "--equalize",
                        "-o",
                        dir.resolve("m").toString());
        assertEquals(2, masked.code());
        assertTrue(masked.err().contains("hf-compact"), masked.err());
    }

    /**
     * The Minitron shape: half the query heads pruned evenly from every group of every layer
     * ({@code --gqa-policy balanced --uniform-layers}) exports {@code hf-compact} as a standard
     * Llama config with fewer query heads and every key/value group kept.
     */
    @Test
    void balancedUniformPruningExportsAsAStandardSmallerLlama(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(20_000));
        Path pruned =
                prunedLlama(
                        dir,
                        text,
                        "--fraction",
                        "0.5",
                        "--gqa-policy",
                        "balanced",
                        "--uniform-layers");
        Path out = dir.resolve("compact");
        CliRun export =
                CliRun.of(
                        "export",
                        "-m",
                        pruned.toString(),
                        "--format",
                        "hf-compact",
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--eval-batches",
                        "2",
                        "-o",
                        out.toString());
        assertEquals(0, export.code(), export.err());
        assertSamePerplexity(export);
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"num_attention_heads\": 2"), config);
        assertTrue(config.contains("\"num_key_value_heads\": 2"), config);
        assertFalse(config.contains("pruned_heads"), config);

        CliRun wrong =
                CliRun.of(
                        "prune",
                        "-m",
                        "llama-nano",
                        "--uniform-layers",
                        "-o",
                        dir.resolve("x").toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("--gqa-policy balanced"), wrong.err());
    }

    /**
     * A 2-layer llama-nano (4 query heads in 2 groups per layer) pruned with {@code extra} options
     * into {@code dir/pruned}.
     */
    private static Path prunedLlama(Path dir, Path text, String... extra) {
        Path pruned = dir.resolve("pruned");
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "prune",
                                "-m",
                                "llama-nano",
                                "--n-layer",
                                "2",
                                "--n-head",
                                "4",
                                "--n-embd",
                                "32",
                                "--dataset",
                                text.toString(),
                                "--seq-len",
                                "32",
                                "--metric-batches",
                                "1",
                                "-o",
                                pruned.toString()));
        args.addAll(List.of(extra));
        CliRun prune = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, prune.code(), prune.err());
        return pruned;
    }

    /** The export computes what Sentinel computed: the two perplexities it prints agree. */
    private static void assertSamePerplexity(CliRun export) {
        Matcher m =
                Pattern.compile("perplexity ([0-9.]+) in Sentinel, ([0-9.]+) reloaded")
                        .matcher(export.out());
        assertTrue(m.find(), export.out());
        assertEquals(m.group(1), m.group(2), "the export computes what Sentinel computed");
    }
}
