package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.CliRun;
import ai.sentinel.testing.ParquetFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dataset}, {@code --data-dir} and {@code --text-field} on the command line: wikitext's
 * own split is what validation runs on (from raw files, and from a hub cache found through {@code
 * HF_HUB_CACHE}), JSON Lines with and without {@code --text-field}, a missing dataset in one line.
 */
class DatasetOptionsTest {
    // 2,000 training bytes and a validation split of 161: at --seq-len 16 the byte tokenizer makes
    // exactly 10 validation blocks (160 tokens); a 10% fraction of the joined text would make 13
    private static final String TRAIN = ("x".repeat(99) + "\n").repeat(20);
    private static final String VALIDATION = "v".repeat(160) + "\n";

    private static CliRun eval(String... dataArgs) {
        List<String> args =
                new ArrayList<>(
                        List.of("eval", "-m", "nano", "--seq-len", "16", "--batch-size", "4"));
        args.addAll(List.of(dataArgs));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void wikitextValidatesOnItsOwnValidationSplit(@TempDir Path dir) throws Exception {
        Path raw = Files.createDirectories(dir.resolve("wikitext-2-raw"));
        Files.writeString(raw.resolve("wiki.train.raw"), TRAIN);
        Files.writeString(raw.resolve("wiki.valid.raw"), VALIDATION);
        CliRun r = eval("--dataset", "wikitext-2-raw-v1", "--data-dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("over 160 tokens"), r.out());
    }

    @Test
    void theHubCacheIsFoundThroughTheEnvironment(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("hub/datasets--Salesforce--wikitext");
        String commit = "00112233445566778899aabbccddeeff00112233";
        Path config =
                Files.createDirectories(repo.resolve("snapshots/" + commit + "/wikitext-2-raw-v1"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        ParquetFixture.text()
                .write(
                        config.resolve("train-00000-of-00001.parquet"),
                        TRAIN.lines().map(l -> l + "\n").toList());
        ParquetFixture.text()
                .write(config.resolve("validation-00000-of-00001.parquet"), List.of(VALIDATION));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder eval =
                new ProcessBuilder(
                                java,
                                "-Dai.djl.offline=true",
                                "-cp",
                                System.getProperty("java.class.path"),
                                SentinelCli.class.getName(),
                                "eval",
                                "-m",
                                "nano",
                                "--seq-len",
                                "16",
                                "--dataset",
                                "wikitext/wikitext-2-raw-v1",
                                "--data-dir",
                                dir.resolve("no-data").toString())
                        .redirectErrorStream(true);
        eval.environment().put("HF_HUB_CACHE", dir.resolve("hub").toString());
        eval.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = eval.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("over 160 tokens"), out);
    }

    @Test
    void jsonLinesReadTheNamedField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("docs.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            lines.append("{\"id\": ")
                    .append(i)
                    .append(", \"content\": \"document number ")
                    .append(i)
                    .append("\"}\n");
        }
        lines.append(
                "{\"score\": NaN, \"content\": \"as Python's json.dumps writes a float nan\"}\n");
        Files.writeString(file, lines);
        CliRun ok = eval("--dataset", file.toString(), "--text-field", "content");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("validation loss"), ok.out());
        CliRun noField = eval("--dataset", file.toString());
        assertBadInput(noField, file + " line 1: has no field \"text\"");
    }

    @Test
    void brokenJsonLinesNameTheirLineAndColumnWithoutJavaClassNames(@TempDir Path dir)
            throws Exception {
        String good = "{\"text\": \"a document of several words\"}\n";
        Path file = dir.resolve("docs.jsonl");
        Files.writeString(file, good + good + "{\"text\": \"unterminated}\n" + good);
        CliRun broken = eval("--dataset", file.toString());
        assertBadInput(broken, file + " line 3: not valid JSON at column ");
        assertFalse(broken.err().contains("Exception"), broken.err());
        assertFalse(broken.err().contains("com.google"), broken.err());
        assertFalse(broken.err().contains("line 1 column"), broken.err());

        Files.writeString(file, good + "{\"text\": \"one\", \"text\": \"two\"}\n");
        assertBadInput(eval("--dataset", file.toString()), "line 2: field \"text\" appears twice");
        Files.writeString(file, good + "{\"text\": \"no end\", \n");
        assertBadInput(eval("--dataset", file.toString()), file + " line 2: not valid JSON");
        Files.writeString(file, good + "[1, 2]\n");
        assertBadInput(eval("--dataset", file.toString()), file + " line 2: not a JSON object");
        Files.writeString(file, good + "{\"text\": \"x\"} {\"text\": \"y\"}\n");
        assertBadInput(
                eval("--dataset", file.toString()), "line 2: more than one JSON value on the line");
    }

    @Test
    void aMissingDatasetIsOneLineSayingWhereSentinelLooked(@TempDir Path dir) {
        CliRun r = eval("--dataset", "wikitext-103-raw-v1", "--data-dir", dir.toString());
        assertBadInput(r, "looked in " + dir.resolve("wikitext-103-raw-v1"));
        assertTrue(r.err().contains("datasets--Salesforce--wikitext"), r.err());
        assertTrue(
                r.err().contains("load_dataset('Salesforce/wikitext', 'wikitext-103-raw-v1')"),
                r.err());
        assertBadInput(
                eval("--dataset", dir.resolve("none.jsonl").toString()), "wikitext-2-raw-v1");
    }

    @Test
    void helpNamesTheDatasetsAndTheTextField() {
        for (String command : List.of("train", "eval", "cycle")) {
            CliRun r = CliRun.of(command, "--help");
            assertEquals(0, r.code(), r.err());
            for (String fragment :
                    List.of(
                            "wikitext-2-raw-v1",
                            "wikitext-103-raw-v1",
                            "*.jsonl",
                            "--text-field")) {
                assertTrue(r.out().contains(fragment), command + " --help lacks " + fragment);
            }
        }
    }

    private static void assertBadInput(CliRun r, String fragment) {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("sentinel: ") && err.contains(fragment), err);
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
    }
}
