package ai.sentinel.io;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.InvalidParquetMetadataException;
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
 * Thrift structures from Apache Parquet ({@code parquet-format-structures}, 0.83 MB, and its 0.03
 * MB {@code javax.annotation-api}; it parses the footer and page headers) and aircompressor's
 * pure-Java codecs (0.25 MB, no native library). Written here is only the page walk and two value
 * decoders (about 610 lines with {@link ParquetColumnChunk}, {@link RleBitPackedHybrid} and {@link
 * ParquetCodecs}), tested against files from parquet-mr, Impala, Arrow C++ and parquet-rs (Apache's
 * parquet-testing data) and fuzzed with corrupt bytes.
 */
public final class ParquetStrings {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final String column;

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
        } catch (NoSuchFileException e) {
            throw fail("does not exist");
        } catch (AccessDeniedException e) {
            throw fail("cannot be read (permission denied)");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw fail(e.getMessage());
        } catch (IndexOutOfBoundsException
                | BufferUnderflowException
                | NegativeArraySizeException e) {
            // lengths and offsets inside pages come from the file: corruption shows up as these
            throw fail("is corrupt: a length or offset in it points outside its data");
        } catch (NullPointerException | InvalidParquetMetadataException e) {
            // Thrift leaves a field the file lacks null
            throw fail("is corrupt: its metadata lacks a part that every Parquet file has");
        } catch (IllegalArgumentException e) {
            throw fail("is corrupt: it holds a value out of range where a size or count belongs");
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
            throw fail("has a corrupt footer: " + metadataProblem(e));
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
        new ParquetColumnChunk(meta.getCodec(), meta.getNum_values(), maxDefinition)
                .decode(chunk, values);
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

    /** Thrift names the field that is absent; nothing else of its message is for a reader. */
    private static final Pattern REQUIRED_FIELD = Pattern.compile("Required field '(\\w{1,64})'");

    /**
     * What is wrong with a Thrift structure (the footer, a page header) that did not decode, in
     * words: Thrift's own message names Java classes
     * ("FileMetaData$FileMetaDataStandardScheme@1fd1") and prints the half-read structure.
     */
    static String metadataProblem(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher required = REQUIRED_FIELD.matcher(String.valueOf(t.getMessage()));
            if (required.find()) {
                return "its required field '" + required.group(1) + "' is missing";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException
                    || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("end of")) {
                return "it ends in the middle of a field";
            }
        }
        return "its bytes do not decode as Parquet metadata";
    }

    private IOException fail(String what) {
        return new IOException(file + ", column \"" + column + "\": " + what);
    }
}
