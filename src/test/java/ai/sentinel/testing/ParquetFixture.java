package ai.sentinel.testing;

import io.airlift.compress.Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

/**
 * Writes small Parquet files shaped like a Hugging Face dataset's: one optional UTF-8 column (nulls
 * allowed), v1 data pages with bit-packed definition levels, PLAIN or dictionary-encoded values,
 * any codec the reader takes, several row groups. Files from other writers live in {@code
 * src/test/resources/ai/sentinel/io/parquet-testing}.
 */
public record ParquetFixture(
        String column, CompressionCodec codec, boolean dictionary, int rowsPerGroup) {

    /** A {@code text} column, Snappy-compressed, PLAIN, as pyarrow writes a text dataset. */
    public static ParquetFixture text() {
        return new ParquetFixture("text", CompressionCodec.SNAPPY, false, 1000);
    }

    public void write(Path file, List<String> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        List<RowGroup> groups = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += rowsPerGroup) {
            groups.add(
                    rowGroup(
                            out, rows.subList(start, Math.min(rows.size(), start + rowsPerGroup))));
        }
        SchemaElement root = new SchemaElement("schema").setNum_children(1);
        SchemaElement leaf =
                new SchemaElement(column)
                        .setType(Type.BYTE_ARRAY)
                        .setRepetition_type(FieldRepetitionType.OPTIONAL)
                        .setConverted_type(ConvertedType.UTF8);
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        Util.writeFileMetaData(
                new FileMetaData(1, List.of(root, leaf), rows.size(), groups), footer);
        footer.writeTo(out);
        out.write(littleEndian(footer.size()));
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        Files.write(file, out.toByteArray());
    }

    private RowGroup rowGroup(ByteArrayOutputStream out, List<String> rows) throws IOException {
        long chunkStart = out.size();
        Long dictionaryOffset = null;
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        List<Integer> levels = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (String row : rows) {
            levels.add(row == null ? 0 : 1);
            if (row != null) {
                present.add(row);
            }
        }
        Encoding encoding = Encoding.PLAIN;
        if (dictionary) {
            Map<String, Integer> ids = new LinkedHashMap<>();
            int[] indices =
                    present.stream()
                            .mapToInt(s -> ids.computeIfAbsent(s, k -> ids.size()))
                            .toArray();
            ByteArrayOutputStream dict = new ByteArrayOutputStream();
            for (String s : ids.keySet()) {
                plain(dict, s);
            }
            dictionaryOffset = (long) out.size();
            PageHeader header =
                    new PageHeader(PageType.DICTIONARY_PAGE, dict.size(), 0)
                            .setDictionary_page_header(
                                    new DictionaryPageHeader(ids.size(), Encoding.PLAIN));
            page(out, header, dict.toByteArray());
            int width = Math.max(1, 32 - Integer.numberOfLeadingZeros(ids.size() - 1));
            values.write(width);
            bitPacked(values, indices, width);
            encoding = Encoding.RLE_DICTIONARY;
        } else {
            for (String s : present) {
                plain(values, s);
            }
        }
        ByteArrayOutputStream levelBytes = new ByteArrayOutputStream();
        bitPacked(levelBytes, levels.stream().mapToInt(Integer::intValue).toArray(), 1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(littleEndian(levelBytes.size()));
        levelBytes.writeTo(body);
        values.writeTo(body);
        long dataOffset = out.size();
        PageHeader header =
                new PageHeader(PageType.DATA_PAGE, body.size(), 0)
                        .setData_page_header(
                                new DataPageHeader(
                                        rows.size(), encoding, Encoding.RLE, Encoding.RLE));
        page(out, header, body.toByteArray());
        long size = out.size() - chunkStart;
        ColumnMetaData meta =
                new ColumnMetaData(
                        Type.BYTE_ARRAY,
                        List.of(encoding, Encoding.RLE),
                        List.of(column),
                        codec,
                        rows.size(),
                        size,
                        size,
                        dataOffset);
        if (dictionaryOffset != null) {
            meta.setDictionary_page_offset(dictionaryOffset);
        }
        return new RowGroup(
                List.of(new ColumnChunk(chunkStart).setMeta_data(meta)), size, rows.size());
    }

    private void page(ByteArrayOutputStream out, PageHeader header, byte[] raw) throws IOException {
        byte[] packed = compress(raw);
        header.setCompressed_page_size(packed.length);
        Util.writePageHeader(header, out);
        out.write(packed);
    }

    private byte[] compress(byte[] raw) throws IOException {
        return switch (codec) {
            case UNCOMPRESSED -> raw;
            case SNAPPY -> compress(new SnappyCompressor(), raw);
            case ZSTD -> compress(new ZstdCompressor(), raw);
            case GZIP -> {
                ByteArrayOutputStream gz = new ByteArrayOutputStream();
                try (OutputStream o = new GZIPOutputStream(gz)) {
                    o.write(raw);
                }
                yield gz.toByteArray();
            }
            default -> raw; // a codec the reader refuses: it must say so before inflating anything
        };
    }

    private static byte[] compress(Compressor compressor, byte[] raw) {
        byte[] out = new byte[compressor.maxCompressedLength(raw.length)];
        int n = compressor.compress(raw, 0, raw.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    private static void plain(ByteArrayOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(littleEndian(bytes.length));
        out.write(bytes);
    }

    /** One bit-packed run: groups of 8 values, {@code width} bits each, least significant first. */
    private static void bitPacked(ByteArrayOutputStream out, int[] values, int width) {
        int groups = (values.length + 7) / 8;
        int header = groups << 1 | 1;
        while ((header & ~0x7F) != 0) {
            out.write((header & 0x7F) | 0x80);
            header >>>= 7;
        }
        out.write(header);
        long buffer = 0;
        int bits = 0;
        for (int i = 0; i < groups * 8; i++) {
            buffer |= (long) (i < values.length ? values[i] : 0) << bits;
            bits += width;
            while (bits >= 8) {
                out.write((int) (buffer & 0xFF));
                buffer >>>= 8;
                bits -= 8;
            }
        }
    }

    private static byte[] littleEndian(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
