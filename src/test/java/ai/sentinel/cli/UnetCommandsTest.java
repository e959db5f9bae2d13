package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.model.UnetSkips;
import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** U-Net skips through the command line: train with them, see them, export with or without. */
class UnetCommandsTest {
    @Test
    void trainInfoAndExportsOfAModelWithSkips(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, Fixtures.shakespeare(30_000));
        Path run = dir.resolve("run");
        CliRun train =
                CliRun.of(
                        "train",
                        "-m",
                        "nano",
                        "--n-layer",
                        "3",
                        "--n-head",
                        "2",
                        "--n-embd",
                        "32",
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--batch-size",
                        "4",
                        "--steps",
                        "12",
                        "--eval-batches",
                        "2",
                        "--lr",
                        "1e-2",
                        "--unet",
                        "--unet-learn-scale",
                        "--out",
                        run.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(
                train.err().contains("U-Net skips: blocks [1, 2] read blocks [1, 0]"), train.err());
        Path model = run.resolve("model");
        assertTrue(Files.exists(model.resolve(UnetSkips.FILE)));
        // L = 3, E = 32: blocks 1 and 2 read; 2·32²·2 weights + 32·2 biases + 2 learned scales
        CliRun info = CliRun.of("info", "-m", model.toString());
        assertTrue(info.out().contains("4,162 of the parameters"), info.out());

        CliRun refused =
                CliRun.of(
                        "export",
                        "-m",
                        model.toString(),
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--format",
                        "hf-masked",
                        "-o",
                        dir.resolve("hf").toString());
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("--drop-unet"), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());

        CliRun dropped =
                CliRun.of(
                        "export",
                        "-m",
                        model.toString(),
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--eval-batches",
                        "2",
                        "--format",
                        "hf-masked",
                        "--drop-unet",
                        "-o",
                        dir.resolve("hf").toString());
        assertEquals(0, dropped.code(), dropped.err());
        Matcher m =
                Pattern.compile("perplexity ([0-9.]+) with them, ([0-9.]+) without")
                        .matcher(dropped.out());
        assertTrue(m.find(), dropped.out());
        Matcher reloaded =
                Pattern.compile("([0-9.]+) reloaded from the export").matcher(dropped.out());
        assertTrue(reloaded.find(), dropped.out());
        assertEquals(
                m.group(2), reloaded.group(1), "the plain export computes the model without skips");
        assertTrue(!m.group(1).equals(m.group(2)), "the trained skips changed nothing");
        assertTrue(!Files.exists(dir.resolve("hf").resolve(UnetSkips.FILE)));
        assertTrue(
                Files.readString(dir.resolve("hf").resolve("README.md"))
                        .contains("U-Net skips dropped"));

        CliRun kept =
                CliRun.of(
                        "export",
                        "-m",
                        model.toString(),
                        "--dataset",
                        text.toString(),
                        "--seq-len",
                        "32",
                        "--eval-batches",
                        "2",
                        "--format",
                        "sentinel",
                        "-o",
                        dir.resolve("sentinel").toString());
        assertEquals(0, kept.code(), kept.err());
        assertTrue(Files.exists(dir.resolve("sentinel").resolve(UnetSkips.FILE)));

        CliRun noSkips =
                CliRun.of(
                        "grow",
                        "-m",
                        dir.resolve("hf").toString(),
                        "--dataset",
                        text.toString(),
                        "--growth-init",
                        "skip_transfer",
                        "-o",
                        dir.resolve("g").toString());
        assertEquals(2, noSkips.code(), noSkips.err());
    }
}
