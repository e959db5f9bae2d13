package ai.sentinel.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.ParquetFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wikitext from its raw files or from a fake Hugging Face hub cache laid out as {@code
 * huggingface_hub} lays it out (refs, snapshots of symlinks into blobs), with its own split; JSON
 * Lines and Parquet files by path; a missing dataset is one line saying where Sentinel looked.
 */
class NamedDatasetsTest {
    private static final String COMMIT = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9";

    // rows as Salesforce/wikitext stores them: a line per row, blank lines as empty rows
    private static final List<String> TRAIN_ROWS =
            List.of("", " = Valkyria Chronicles III = \n", "", " Senjō no Valkyria 3 .\n");
    private static final List<String> VALIDATION_ROWS =
            List.of("", " = Homarus gammarus = \n", " Homarus gammarus is a lobster .\n");

    private static DatasetLocator locator(Path dataDir, Path hubRoot) {
        return new DatasetLocator(
                dataDir, StandardCharsets.UTF_8, "text", new HubDatasetFiles(hubRoot));
    }

    /** A dataset's own split, read whole. */
    private record Texts(String train, String validation) {}

    private static Texts ownSplit(DatasetText text) throws IOException {
        assertTrue(text instanceof DatasetText.OwnSplit, "own split expected, got " + text);
        DatasetText.OwnSplit split = (DatasetText.OwnSplit) text;
        return new Texts(split.train().readAll(), split.validation().readAll());
    }

    @Test
    void wikitextFromTheRawFilesKeepsItsOwnSplit(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        Path unzipped = Files.createDirectories(data.resolve("wikitext-2-raw")); // the zip's layout
        Files.writeString(unzipped.resolve("wiki.train.raw"), " \n = Train = \n");
        Files.writeString(unzipped.resolve("wiki.valid.raw"), " \n = Valid = \n");
        Files.writeString(unzipped.resolve("wiki.test.raw"), " \n = Test = \n");
        DatasetLocator locator = locator(data, dir.resolve("empty-hub"));
        for (String name :
                List.of(
                        "wikitext-2-raw-v1",
                        "wikitext/wikitext-2-raw-v1",
                        "Salesforce/wikitext/wikitext-2-raw-v1")) {
            Texts split = ownSplit(locator.load(name));
            assertEquals(" \n = Train = \n", split.train(), name);
            assertEquals(" \n = Valid = \n", split.validation(), name);
        }
        assertEquals("wikitext-2-raw-v1 from " + unzipped, locator.describe("wikitext-2-raw-v1"));
        // a folder named after the configuration comes first
        Path named = Files.createDirectories(data.resolve("wikitext-2-raw-v1"));
        Files.writeString(named.resolve("wiki.train.raw"), "named train");
        Files.writeString(named.resolve("wiki.valid.raw"), "named valid");
        assertEquals("named train", ownSplit(locator.load("wikitext-2-raw-v1")).train());
        // the other configuration is not this one
        assertThrows(IOException.class, () -> locator.load("wikitext-103-raw-v1"));
    }

    /**
     * A dataset repository in the cache: {@code refs/<revision>} names the commit; the snapshot's
     * files are relative symlinks into {@code blobs/}, as huggingface_hub makes them.
     */
    private static Path cachedFile(Path repo, String revision, String file, List<String> rows)
            throws IOException {
        Path blob = repo.resolve("blobs").resolve(Integer.toHexString(file.hashCode()) + "beef");
        Files.createDirectories(blob.getParent());
        new ParquetFixture("text", org.apache.parquet.format.CompressionCodec.SNAPPY, false, 2)
                .write(blob, rows);
        Path ref = repo.resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, COMMIT);
        Path link = repo.resolve("snapshots").resolve(COMMIT).resolve(file);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
        return link;
    }

    @Test
    void wikitextFromTheHubCacheReadsItsParquetSplits(@TempDir Path dir) throws IOException {
        Path hub = dir.resolve("hub");
        Path repo = hub.resolve("datasets--Salesforce--wikitext");
        String config = "wikitext-103-raw-v1";
        // wikitext-103's train split is two shards: they are read in order
        cachedFile(
                repo, "main", config + "/train-00000-of-00002.parquet", TRAIN_ROWS.subList(0, 2));
        cachedFile(
                repo, "main", config + "/train-00001-of-00002.parquet", TRAIN_ROWS.subList(2, 4));
        cachedFile(repo, "main", config + "/validation-00000-of-00001.parquet", VALIDATION_ROWS);
        cachedFile(repo, "main", config + "/test-00000-of-00001.parquet", List.of("test\n"));
        assertTrue(
                Files.isSymbolicLink(
                        repo.resolve(
                                "snapshots/"
                                        + COMMIT
                                        + "/"
                                        + config
                                        + "/test-00000-of-00001.parquet")));
        DatasetLocator locator = locator(dir.resolve("no-data"), hub);
        Texts split = ownSplit(locator.load(config));
        assertEquals("\n = Valkyria Chronicles III = \n\n Senjō no Valkyria 3 .\n", split.train());
        assertEquals(
                "\n = Homarus gammarus = \n Homarus gammarus is a lobster .\n", split.validation());
        assertTrue(
                locator.describe(config).contains("Hugging Face cache"), locator.describe(config));
        // the raw files in the data folder take precedence
        Path raw = Files.createDirectories(dir.resolve("no-data").resolve(config));
        Files.writeString(raw.resolve("wiki.train.raw"), "raw train");
        Files.writeString(raw.resolve("wiki.valid.raw"), "raw valid");
        assertEquals("raw train", ownSplit(locator.load(config)).train());
    }

    @Test
    void theOlderRepositoryAndTheHubsParquetConversionAreFoundToo(@TempDir Path dir)
            throws IOException {
        Path hub = dir.resolve("hub");
        Path repo = hub.resolve("datasets--wikitext");
        cachedFile(
                repo, "refs/convert/parquet", "wikitext-2-raw-v1/train/0000.parquet", TRAIN_ROWS);
        cachedFile(
                repo,
                "refs/convert/parquet",
                "wikitext-2-raw-v1/validation/0000.parquet",
                VALIDATION_ROWS);
        Texts split = ownSplit(locator(dir.resolve("no-data"), hub).load("wikitext-2-raw-v1"));
        assertTrue(split.train().startsWith("\n = Valkyria"), split.train());
        assertTrue(split.validation().contains("lobster"), split.validation());
    }

    @Test
    void aMissingWikitextSaysWhereItLookedAndHowToGetIt(@TempDir Path dir) throws IOException {
        Path hub = dir.resolve("hub");
        Path data = dir.resolve("data");
        // a half-downloaded snapshot (train only) does not count
        cachedFile(
                hub.resolve("datasets--Salesforce--wikitext"),
                "main",
                "wikitext-2-raw-v1/train-00000-of-00001.parquet",
                TRAIN_ROWS);
        IOException e =
                assertThrows(IOException.class, () -> locator(data, hub).load("wikitext-2-raw-v1"));
        String m = e.getMessage();
        assertEquals(1, m.lines().count(), m);
        for (String place :
                List.of(
                        data.resolve("wikitext-2-raw-v1").resolve("wiki.train.raw").toString(),
                        data.resolve("wikitext-2-raw").resolve("wiki.train.raw").toString(),
                        hub.resolve("datasets--Salesforce--wikitext").toString(),
                        hub.resolve("datasets--wikitext").toString(),
                        "load_dataset('Salesforce/wikitext', 'wikitext-2-raw-v1')",
                        "huggingface-cli download --repo-type dataset Salesforce/wikitext",
                        "wikitext-2-raw-v1.zip")) {
            assertTrue(m.contains(place), place + " missing from: " + m);
        }
    }

    @Test
    void jsonLinesGiveTheirTextFieldAndBadLinesNameFileAndLine(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("docs.jsonl");
        Files.writeString(
                file,
                "{\"text\": \"first doc\", \"id\": 1}\n\n{\"text\": \"second\\ndoc\", \"body\": \"b\"}\n");
        DatasetLocator byDefault = locator(dir, dir.resolve("hub"));
        assertEquals("first doc\nsecond\ndoc\n", byDefault.read(file.toString()));
        Path other = dir.resolve("other.jsonl");
        Files.writeString(other, "{\"content\": \"one\"}\n{\"content\": \"two\"}\n");
        DatasetLocator content =
                new DatasetLocator(
                        dir, StandardCharsets.UTF_8, "content", new HubDatasetFiles(dir));
        assertEquals("one\ntwo\n", content.read(other.toString()));
        IOException missing =
                assertThrows(IOException.class, () -> byDefault.read(other.toString()));
        assertTrue(
                missing.getMessage().contains(other + " line 1")
                        && missing.getMessage().contains("no field \"text\"")
                        && missing.getMessage().contains("content"),
                missing.getMessage());
        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(broken, "{\"text\": \"ok\"}\n{\"text\": \"cut off\n{\"text\": 3}\n");
        IOException invalid =
                assertThrows(IOException.class, () -> byDefault.read(broken.toString()));
        assertTrue(
                invalid.getMessage().contains(broken + " line 2: not valid JSON"),
                invalid.getMessage());
        Files.writeString(broken, "{\"text\": \"ok\"}\n[1, 2]\n");
        assertTrue(
                assertThrows(IOException.class, () -> byDefault.read(broken.toString()))
                        .getMessage()
                        .contains("line 2: not a JSON object"));
        Files.writeString(broken, "{\"text\": 3}\n");
        assertTrue(
                assertThrows(IOException.class, () -> byDefault.read(broken.toString()))
                        .getMessage()
                        .contains("line 1: field \"text\" is not a string"));
    }

    @Test
    void aParquetFileByPathIsOneTextOfItsColumn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rows.parquet");
        ParquetFixture.text().write(file, Arrays.asList("a", null, "", "b\n"));
        assertEquals("a\n\nb\n", locator(dir, dir).read(file.toString()));
        IOException wrongColumn =
                assertThrows(
                        IOException.class,
                        () ->
                                new DatasetLocator(
                                                dir,
                                                StandardCharsets.UTF_8,
                                                "content",
                                                new HubDatasetFiles(dir))
                                        .read(file.toString()));
        assertTrue(
                wrongColumn.getMessage().contains("its columns: text"), wrongColumn.getMessage());
    }

    @Test
    void anOwnSplitTrainsOnTrainAndValidatesOnValidation() {
        int[] train = new int[101];
        int[] validation = new int[21];
        Arrays.fill(validation, 7);
        TextDataset d = TextDataset.ofSplits(train, validation, 10);
        assertEquals(101, d.train().numTokens());
        assertEquals(21, d.validation().numTokens());
        assertEquals(2, d.validation().numBlocks());
        IllegalArgumentException shortSplit =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TextDataset.ofSplits(train, new int[5], 10));
        assertTrue(shortSplit.getMessage().contains("validation split of 5 tokens"));
    }
}
