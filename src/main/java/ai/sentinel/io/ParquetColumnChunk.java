package ai.sentinel.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;

/**
 * The pages of one string column chunk, decoded: an optional dictionary page, then data pages (v1:
 * definition levels with a 4-byte length, then values, all compressed; v2: levels uncompressed
 * ahead of the compressed values), values PLAIN or dictionary indices. Errors say what was met;
 * {@link ParquetStrings} adds the file and column.
 */
final class ParquetColumnChunk {
    private final CompressionCodec codec;
    private final long numValues;
    private final int maxDefinition;
    private final CharsetDecoder utf8 =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * @param maxDefinition 0 for a required column, 1 for an optional one
     */
    ParquetColumnChunk(CompressionCodec codec, long numValues, int maxDefinition) {
        this.codec = codec;
        this.numValues = numValues;
        this.maxDefinition = maxDefinition;
    }

    /** Appends the chunk's values to {@code values}, {@code null} for a null. */
    void decode(byte[] chunk, List<String> values) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(chunk);
        String[] dictionary = null;
        long read = 0;
        while (read < numValues) {
            if (in.available() == 0) {
                throw fail("column chunk ends after " + read + " of " + numValues + " values");
            }
            PageHeader header;
            try {
                header = Util.readPageHeader(in);
            } catch (IOException | RuntimeException e) {
                throw fail(
                        "has a page header that does not decode: "
                                + ParquetStrings.metadataProblem(e));
            }
            int pageStart = chunk.length - in.available();
            int size = header.getCompressed_page_size();
            if (size < 0 || size > in.available()) {
                throw fail("has a page that runs past its column chunk");
            }
            in.skipNBytes(size);
            if (header.getType() == null
                    || (header.getType() == PageType.DICTIONARY_PAGE
                            && header.getDictionary_page_header() == null)
                    || (header.getType() == PageType.DATA_PAGE
                            && header.getData_page_header() == null)
                    || (header.getType() == PageType.DATA_PAGE_V2
                            && header.getData_page_header_v2() == null)) {
                throw fail(
                        "has a page header of unknown type or without its "
                                + header.getType()
                                + " part");
            }
            switch (header.getType()) {
                case DICTIONARY_PAGE -> {
                    Encoding encoding = header.getDictionary_page_header().getEncoding();
                    if (encoding != Encoding.PLAIN && encoding != Encoding.PLAIN_DICTIONARY) {
                        throw fail("has a dictionary page encoded as " + encoding);
                    }
                    byte[] page = decompress(chunk, pageStart, size, header);
                    int n = header.getDictionary_page_header().getNum_values();
                    dictionary = new String[n];
                    ByteBuffer plain = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
                    for (int k = 0; k < n; k++) {
                        dictionary[k] = plainValue(plain);
                    }
                }
                case DATA_PAGE -> {
                    DataPageHeader v1 = header.getData_page_header();
                    byte[] page = decompress(chunk, pageStart, size, header);
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
                                            codec, chunk, dataStart, dataSize, rawSize)
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
        if (encoding == null) {
            throw fail("has values in an encoding this format version does not know");
        }
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

    private byte[] decompress(byte[] chunk, int pageStart, int size, PageHeader header)
            throws IOException {
        return ParquetCodecs.decompress(
                codec, chunk, pageStart, size, header.getUncompressed_page_size());
    }

    private void checkRange(int offset, int length, int limit) throws IOException {
        if (length < 0 || offset + length > limit) {
            throw fail("has definition levels that run past their page");
        }
    }

    private static IOException fail(String what) {
        return new IOException(what);
    }
}
