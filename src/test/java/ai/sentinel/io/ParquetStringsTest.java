package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.ParquetFixture;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.apache.parquet.format.CompressionCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet string-column reader, on files from other writers (Apache's parquet-testing data) and
 * on files the test writes with every codec and encoding; everything it does not read is one line
 * naming the file, the column and why.
 */
class ParquetStringsTest {
    private static Path upstream(String name) throws URISyntaxException {
        return Path.of(ParquetStringsTest.class.getResource("parquet-testing/" + name).toURI());
    }

    @Test
    void filesFromOtherWritersReadAsTheyWereWritten() throws Exception {
        // DataPageV2, Snappy, an optional column with a null (arrow's reference values)
        assertEquals(
                Arrays.asList("abc", "abc", "abc", null, "abc"),
                ParquetStrings.read(upstream("datapage_v2.snappy.parquet"), "a"));
        // Impala: PLAIN in Snappy pages, and dictionary-encoded
        assertEquals(
                List.of("0", "1"),
                ParquetStrings.read(upstream("alltypes_plain.snappy.parquet"), "string_col"));
        assertEquals(
                List.of("04/01/09", "04/01/09"),
                ParquetStrings.read(upstream("alltypes_plain.snappy.parquet"), "date_string_col"));
        assertEquals(
                List.of("0", "1"),
                ParquetStrings.read(upstream("alltypes_dictionary.parquet"), "string_col"));
        // parquet-rs (the file's notes give the values' extremes: "Al…" and "🚀Kevin Bacon")
        List<String> names =
                ParquetStrings.read(
                        upstream("binary_truncated_min_max.parquet"), "utf8_partial_truncation");
        assertEquals(12, names.size());
        assertEquals("Alice Johnson", names.stream().sorted().findFirst().orElseThrow());
        assertEquals("🚀Kevin Bacon", names.get(11));
        // Arrow C++ (pyarrow's writer), beside a column whose logical type it cannot know
        assertEquals(
                List.of("known string 1", "known string 2", "known string 3"),
                ParquetStrings.read(
                        upstream("unknown-logical-type.parquet"), "column with known type"));
        // parquet-mr: PLAIN_DICTIONARY (format v1) and RLE_DICTIONARY in Snappy pages (format v2)
        for (String name :
                List.of(
                        "plain-dict-uncompressed-checksum.parquet",
                        "rle-dict-snappy-checksum.parquet")) {
            List<String> values = ParquetStrings.read(upstream(name), "binary_field");
            assertEquals(1000, values.size(), name);
            assertTrue(
                    values.stream()
                            .allMatch(v -> v.matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")),
                    name);
        }
    }

    @Test
    void everyCodecAndEncodingGivesBackWhatWasWritten(@TempDir Path dir) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(i % 7 == 3 ? null : i % 5 == 0 ? "" : " = Heading " + (i % 4) + " = ñ 日本\n");
        }
        for (CompressionCodec codec :
                List.of(
                        CompressionCodec.UNCOMPRESSED,
                        CompressionCodec.SNAPPY,
                        CompressionCodec.GZIP,
                        CompressionCodec.ZSTD)) {
            for (boolean dictionary : new boolean[] {false, true}) {
                Path file = dir.resolve(codec + "-" + dictionary + ".parquet");
                // 13 rows a group: four row groups, the last one short
                new ParquetFixture("text", codec, dictionary, 13).write(file, rows);
                assertEquals(rows, ParquetStrings.read(file, "text"), file.toString());
            }
        }
    }

    @Test
    void whatItDoesNotReadIsOneLineNamingFileColumnAndCause(@TempDir Path dir) throws Exception {
        assertRefused(
                upstream("delta_length_byte_array.parquet"), "FRUIT", "DELTA_LENGTH_BYTE_ARRAY");
        assertRefused(upstream("alltypes_plain.snappy.parquet"), "id", "INT32 values, not strings");
        assertRefused(
                upstream("alltypes_plain.snappy.parquet"), "txt", "its columns: id, bool_col");
        Path brotli = dir.resolve("brotli.parquet");
        new ParquetFixture("text", CompressionCodec.BROTLI, false, 10).write(brotli, List.of("a"));
        assertRefused(brotli, "text", "BROTLI");
        Path notParquet = dir.resolve("notes.parquet");
        Files.writeString(notParquet, "just some text, not a parquet file at all");
        assertRefused(notParquet, "text", "not a Parquet file");
        Path good = dir.resolve("good.parquet");
        ParquetFixture.text().write(good, List.of("one", "two", "three"));
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.parquet");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
        assertRefused(cut, "text", "not a Parquet file");
        byte[] flipped = bytes.clone();
        flipped[bytes.length - 8] ^= 0x7F; // the footer length's low byte
        Files.write(cut, flipped);
        assertThrows(IOException.class, () -> ParquetStrings.read(cut, "text"));
    }

    /**
     * Java's names are no explanation: no class name ("MalformedJsonException"), no nested class
     * ("FileMetaData$FileMetaDataStandardScheme"), no identity hash ("@1fd14d74"), no package.
     */
    private static final Pattern JAVA_NAMES =
            Pattern.compile(
                    "[A-Za-z](Exception|Error)\\b|\\$[A-Z]|@[0-9a-f]{5,}|\\b(java|javax|org|com)\\.[a-z]");

    private static void assertSaysItInWords(String message) {
        assertFalse(JAVA_NAMES.matcher(message).find(), message);
        assertEquals(1, message.lines().count(), message);
    }

    @Test
    void aDamagedFooterOrPageHeaderIsDescribedInWords(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.parquet");
        ParquetFixture.text().write(good, List.of("one", "two", "three"));
        byte[] bytes = Files.readAllBytes(good);
        int footerLength =
                ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int footerStart = bytes.length - 8 - footerLength;
        Path bad = dir.resolve("bad.parquet");
        byte[] zeroFooter = bytes.clone();
        Arrays.fill(zeroFooter, footerStart, footerStart + footerLength, (byte) 0);
        Files.write(bad, zeroFooter); // a Thrift struct that ends at once: required fields absent
        String footer =
                assertThrows(IOException.class, () -> ParquetStrings.read(bad, "text"))
                        .getMessage();
        assertSaysItInWords(footer);
        assertTrue(footer.contains("footer") && footer.contains("missing"), footer);

        byte[] zeroPage = bytes.clone();
        Arrays.fill(zeroPage, 4, 12, (byte) 0); // the first page header, right after PAR1
        Files.write(bad, zeroPage);
        String page =
                assertThrows(IOException.class, () -> ParquetStrings.read(bad, "text"))
                        .getMessage();
        assertSaysItInWords(page);
        assertTrue(page.contains("page header"), page);

        String absent =
                assertThrows(
                                IOException.class,
                                () -> ParquetStrings.read(dir.resolve("absent.parquet"), "text"))
                        .getMessage();
        assertTrue(absent.endsWith("does not exist"), absent);
    }

    private static void assertRefused(Path file, String column, String cause) {
        IOException e = assertThrows(IOException.class, () -> ParquetStrings.read(file, column));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(cause), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void hybridDecoderReadsTheFormatSpecificationsExamples() throws IOException {
        // bit-packed: one group of 8 values 0..7 at 3 bits (the spec's own example bytes)
        byte[] packed = {0x03, (byte) 0x88, (byte) 0xC6, (byte) 0xFA};
        RleBitPackedHybrid bits = new RleBitPackedHybrid(packed, 0, packed.length, 3);
        int[] decoded = new int[8];
        for (int i = 0; i < 8; i++) {
            decoded[i] = bits.next();
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, decoded);
        // a run: header 4 << 1, then the value 300 in two little-endian bytes (width 9)
        byte[] run = {0x08, 0x2C, 0x01};
        RleBitPackedHybrid repeated = new RleBitPackedHybrid(run, 0, run.length, 9);
        for (int i = 0; i < 4; i++) {
            assertEquals(300, repeated.next());
        }
        assertThrows(IOException.class, repeated::next);
    }

    @Test
    void corruptBytesAnywhereAreAnIoExceptionNeverAnotherFailure(@TempDir Path dir)
            throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(i % 9 == 4 ? null : "row " + (i % 6) + " ✓");
        }
        SplittableRandom random = new SplittableRandom(14);
        for (CompressionCodec codec :
                List.of(
                        CompressionCodec.UNCOMPRESSED,
                        CompressionCodec.SNAPPY,
                        CompressionCodec.ZSTD)) {
            for (boolean dictionary : new boolean[] {false, true}) {
                Path good = dir.resolve("good.parquet");
                new ParquetFixture("text", codec, dictionary, 16).write(good, rows);
                byte[] bytes = Files.readAllBytes(good);
                Path bad = dir.resolve("bad.parquet");
                for (int trial = 0; trial < 150; trial++) {
                    byte[] corrupt = bytes.clone();
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                        corrupt[random.nextInt(corrupt.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                    Files.write(bad, corrupt);
                    try {
                        ParquetStrings.read(bad, "text"); // a flip inside a value can still read
                    } catch (IOException expected) {
                        assertTrue(
                                expected.getMessage().startsWith(bad.toString()),
                                expected.getMessage());
                        assertSaysItInWords(expected.getMessage());
                    }
                }
            }
        }
    }
}
