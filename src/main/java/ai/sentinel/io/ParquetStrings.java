package ai.sentinel.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

/**
 * Reads one top-level string column of a Parquet file: the {@code text} column of a Hugging Face
 * dataset's parquet files, which is all Sentinel needs from the format.
 *
 * <p>Supported: flat {@code BYTE_ARRAY} columns, required or optional (nulls come back as {@code
 * null}); data pages v1 and v2; PLAIN values and dictionary pages with PLAIN_DICTIONARY or
 * RLE_DICTIONARY indices (pyarrow's defaults, with its fallback to PLAIN when a dictionary grows
 * too big); the codecs {@link ParquetCodecs} names. Anything else (nested or repeated columns,
 * DELTA_* encodings, LZO or Brotli pages, encrypted files) is refused with a line naming the file,
 * the column and what it met. Values must be valid UTF-8.
 *
 * <p>Why not a Parquet library (measured December 2026, Maven Central): {@code parquet-hadoop}
 * 1.16.0 with Hadoop excluded is 13 jars, 20.6 MB (zstd-jni's natives 7.4 MB, parquet-column 3.4
 * MB, jackson, jts-core, ...), does not compile without Hadoop's classes (its {@code
 * ParquetFileReader.open} overloads name {@code org.apache.hadoop.fs.Path} and {@code
 * Configuration}), and with {@code hadoop-client-api} (19.6 MB) added still needs Hadoop's shaded
 * runtime for any compressed page: {@code CodecFactory} makes every compressor and decompressor
 * through {@code getCodec}, which builds a Hadoop {@code Configuration} and {@code
 * CompressionCodec} (writing a Snappy file failed there with NoClassDefFoundError; reading calls
 * the same method). DuckDB's JDBC driver 1.4.4.0 is one 80.7 MB jar of native libraries for every
 * platform. Hardwood needs Java 21. What this class uses instead, 1.1 MB in all: the format's own
 * Thrift structures from Apache Parquet ({@code parquet-format-structures}, 0.83 MB with {@code
 * javax.annotation-api}; it parses the footer and page headers) and aircompressor's pure-Java
 * codecs (0.25 MB, no native library). Written here is only the page walk and two value decoders
 * (about 570 lines with {@link RleBitPackedHybrid} and {@link ParquetCodecs}), tested against files
 * from parquet-mr, Impala and Arrow (Apache's parquet-testing data).
 */
public final class ParquetStrings {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final String column;
    private final CharsetDecoder utf8 =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);

    private ParquetStrings(Path file, String column) {
        this.file = file;
        this.column = column;
    }

    /** Every row's value of the top-level string column {@code column}, in file order. */
    public static List<String> read(Path file, String column) throws IOException {
        return new ParquetStrings(file, column).read();
    }

    private List<String> read() throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            FileMetaData meta = footer(channel);
            int maxDefinition = definitionLevels(meta.getSchema());
            List<String> values = new ArrayList<>();
            for (RowGroup group : meta.getRow_groups()) {
                readChunk(channel, chunkOf(group), maxDefinition, values);
            }
            return values;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw fail(e.getMessage());
        }
    }

    private FileMetaData footer(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 12) {
            throw fail("is too short to be a Parquet file (" + size + " bytes)");
        }
        ByteBuffer tail = readRange(channel, size - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = Arrays.copyOfRange(tail.array(), 4, 8);
        if (Arrays.equals(magic, "PARE".getBytes(StandardCharsets.US_ASCII))) {
            throw fail("is an encrypted Parquet file, which Sentinel does not read");
        }
        if (!Arrays.equals(magic, MAGIC)
                || !Arrays.equals(readRange(channel, 0, 4).array(), MAGIC)) {
            throw fail("is not a Parquet file (no PAR1 magic at its start and end)");
        }
        int footerLength = tail.getInt(0);
        if (footerLength <= 0 || footerLength > size - 12) {
            throw fail(
                    "has a footer length of " + footerLength + " in a file of " + size + " bytes");
        }
        byte[] footer = readRange(channel, size - 8 - footerLength, footerLength).array();
        try {
            return Util.readFileMetaData(new ByteArrayInputStream(footer));
        } catch (IOException | RuntimeException e) {
            throw fail("has a corrupt footer: " + e.getMessage());
        }
    }

    /** The column's maximum definition level (0 required, 1 optional), after checking its type. */
    private int definitionLevels(List<SchemaElement> schema) throws IOException {
        List<String> names = new ArrayList<>();
        int childCount = schema.get(0).getNum_children();
        int i = 1;
        for (int child = 0; child < childCount; child++) {
            SchemaElement e = schema.get(i);
            if (e.getName().equals(column)) {
                if (e.isSetNum_children() && e.getNum_children() > 0) {
                    throw fail("is a nested group, not a string column");
                }
                if (e.getType() != Type.BYTE_ARRAY) {
                    throw fail("holds " + e.getType() + " values, not strings");
                }
                if (e.getRepetition_type() == FieldRepetitionType.REPEATED) {
                    throw fail("is a repeated (list) column, not one string per row");
                }
                return e.getRepetition_type() == FieldRepetitionType.OPTIONAL ? 1 : 0;
            }
            names.add(e.getName());
            i = afterSubtree(schema, i);
        }
        throw new IOException(
                file
                        + " has no top-level column \""
                        + column
                        + "\" (its columns: "
                        + String.join(", ", names)
                        + ")");
    }

    private static int afterSubtree(List<SchemaElement> schema, int i) {
        SchemaElement e = schema.get(i);
        int children = e.isSetNum_children() ? e.getNum_children() : 0;
        int next = i + 1;
        for (int c = 0; c < children; c++) {
            next = afterSubtree(schema, next);
        }
        return next;
    }

    private ColumnMetaData chunkOf(RowGroup group) throws IOException {
        for (ColumnChunk chunk : group.getColumns()) {
            ColumnMetaData meta = chunk.getMeta_data();
            if (meta.getPath_in_schema().equals(List.of(column))) {
                if (chunk.isSetFile_path()) {
                    throw fail("keeps its data in another file (" + chunk.getFile_path() + ")");
                }
                if (!ParquetCodecs.supported(meta.getCodec())) {
                    throw fail(
                            "is compressed with "
                                    + meta.getCodec()
                                    + ", which Sentinel does not read (only "
                                    + ParquetCodecs.names()
                                    + ")");
                }
                return meta;
            }
        }
        throw fail("is missing from a row group");
    }

    private void readChunk(
            FileChannel channel, ColumnMetaData meta, int maxDefinition, List<String> values)
            throws IOException {
        long start = meta.getData_page_offset();
        // some writers record a dictionary offset of 0 when there is none: only a positive one
        // counts
        if (meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0) {
            start = Math.min(start, meta.getDictionary_page_offset());
        }
        long length = meta.getTotal_compressed_size();
        if (start < 4
                || length < 0
                || start + length > channel.size()
                || length > Integer.MAX_VALUE - 8) {
            throw fail("has a column chunk outside the file (offset " + start + ")");
        }
        byte[] chunk = readRange(channel, start, (int) length).array();
        ByteArrayInputStream in = new ByteArrayInputStream(chunk);
        String[] dictionary = null;
        long read = 0;
        while (read < meta.getNum_values()) {
            if (in.available() == 0) {
                throw fail(
                        "column chunk ends after "
                                + read
                                + " of "
                                + meta.getNum_values()
                                + " values");
            }
            PageHeader header = Util.readPageHeader(in);
            int pageStart = chunk.length - in.available();
            int size = header.getCompressed_page_size();
            if (size < 0 || size > in.available()) {
                throw fail("has a page that runs past its column chunk");
            }
            in.skipNBytes(size);
            switch (header.getType()) {
                case DICTIONARY_PAGE -> {
                    Encoding encoding = header.getDictionary_page_header().getEncoding();
                    if (encoding != Encoding.PLAIN && encoding != Encoding.PLAIN_DICTIONARY) {
                        throw fail("has a dictionary page encoded as " + encoding);
                    }
                    byte[] page = decompress(meta, chunk, pageStart, size, header);
                    int n = header.getDictionary_page_header().getNum_values();
                    dictionary = new String[n];
                    ByteBuffer plain = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
                    for (int k = 0; k < n; k++) {
                        dictionary[k] = plainValue(plain);
                    }
                }
                case DATA_PAGE -> {
                    DataPageHeader v1 = header.getData_page_header();
                    byte[] page = decompress(meta, chunk, pageStart, size, header);
                    int n = v1.getNum_values();
                    int offset = 0;
                    boolean[] present = allPresent(n);
                    if (maxDefinition > 0) {
                        if (v1.getDefinition_level_encoding() != Encoding.RLE) {
                            throw fail(
                                    "has definition levels encoded as "
                                            + v1.getDefinition_level_encoding());
                        }
                        int levelBytes =
                                ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
                        checkRange(4, levelBytes, page.length);
                        present = presence(page, 4, levelBytes, n);
                        offset = 4 + levelBytes;
                    }
                    values(v1.getEncoding(), page, offset, present, dictionary, values);
                    read += n;
                }
                case DATA_PAGE_V2 -> {
                    DataPageHeaderV2 v2 = header.getData_page_header_v2();
                    int n = v2.getNum_values();
                    int repetitionBytes = v2.getRepetition_levels_byte_length();
                    int definitionBytes = v2.getDefinition_levels_byte_length();
                    if (repetitionBytes != 0) {
                        throw fail("has repetition levels, so it is not one string per row");
                    }
                    checkRange(0, definitionBytes, size);
                    boolean[] present =
                            maxDefinition > 0
                                    ? presence(chunk, pageStart, definitionBytes, n)
                                    : allPresent(n);
                    int dataStart = pageStart + definitionBytes;
                    int dataSize = size - definitionBytes;
                    int rawSize = header.getUncompressed_page_size() - definitionBytes;
                    boolean compressed = !v2.isSetIs_compressed() || v2.isIs_compressed();
                    // an empty data section is not a valid compressed stream: nothing to inflate
                    byte[] data =
                            compressed && dataSize > 0
                                    ? ParquetCodecs.decompress(
                                            meta.getCodec(), chunk, dataStart, dataSize, rawSize)
                                    : Arrays.copyOfRange(chunk, dataStart, dataStart + dataSize);
                    values(v2.getEncoding(), data, 0, present, dictionary, values);
                    read += n;
                }
                default -> {} // index pages carry no values
            }
        }
    }

    private void values(
            Encoding encoding,
            byte[] page,
            int offset,
            boolean[] present,
            String[] dictionary,
            List<String> values)
            throws IOException {
        switch (encoding) {
            case PLAIN -> {
                ByteBuffer plain =
                        ByteBuffer.wrap(page, offset, page.length - offset)
                                .order(ByteOrder.LITTLE_ENDIAN);
                for (boolean p : present) {
                    values.add(p ? plainValue(plain) : null);
                }
            }
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
                if (dictionary == null) {
                    throw fail("has dictionary-encoded values before any dictionary page");
                }
                RleBitPackedHybrid indices =
                        offset < page.length
                                ? new RleBitPackedHybrid(
                                        page, offset + 1, page.length - offset - 1, page[offset])
                                : null;
                for (boolean p : present) {
                    if (!p) {
                        values.add(null);
                        continue;
                    }
                    if (indices == null) {
                        throw fail("has a data page without its dictionary indices");
                    }
                    int index = indices.next();
                    if (index < 0 || index >= dictionary.length) {
                        throw fail(
                                "has dictionary index "
                                        + index
                                        + " past a dictionary of "
                                        + dictionary.length);
                    }
                    values.add(dictionary[index]);
                }
            }
            default ->
                    throw fail(
                            "has values encoded as "
                                    + encoding
                                    + ", which Sentinel does not read (only PLAIN and dictionary encodings)");
        }
    }

    /** One PLAIN byte array: a 4-byte little-endian length, then the bytes, decoded as UTF-8. */
    private String plainValue(ByteBuffer plain) throws IOException {
        if (plain.remaining() < 4) {
            throw fail("has a page that ends inside a value's length");
        }
        int length = plain.getInt();
        if (length < 0 || length > plain.remaining()) {
            throw fail("has a value of " + length + " bytes past the end of its page");
        }
        ByteBuffer bytes = plain.slice(plain.position(), length);
        plain.position(plain.position() + length);
        try {
            return utf8.reset().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw fail("holds a value that is not valid UTF-8");
        }
    }

    /** Which of {@code n} rows have a value: definition levels at 1 bit (optional column). */
    private static boolean[] presence(byte[] data, int offset, int length, int n)
            throws IOException {
        RleBitPackedHybrid levels = new RleBitPackedHybrid(data, offset, length, 1);
        boolean[] present = new boolean[n];
        for (int k = 0; k < n; k++) {
            present[k] = levels.next() == 1;
        }
        return present;
    }

    private static boolean[] allPresent(int n) {
        boolean[] present = new boolean[n];
        Arrays.fill(present, true);
        return present;
    }

    private byte[] decompress(
            ColumnMetaData meta, byte[] chunk, int pageStart, int size, PageHeader header)
            throws IOException {
        return ParquetCodecs.decompress(
                meta.getCodec(), chunk, pageStart, size, header.getUncompressed_page_size());
    }

    private void checkRange(int offset, int length, int limit) throws IOException {
        if (length < 0 || offset + length > limit) {
            throw fail("has definition levels that run past their page");
        }
    }

    private static ByteBuffer readRange(FileChannel channel, long position, int length)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buffer.flip();
    }

    private IOException fail(String what) {
        return new IOException(file + ", column \"" + column + "\": " + what);
    }
}
