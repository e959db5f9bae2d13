package ai.sentinel.io;

import io.airlift.compress.Decompressor;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.format.CompressionCodec;

/**
 * Page decompression for the codecs Parquet writers use by default: Snappy (pyarrow, Spark, {@code
 * datasets}), Zstandard, gzip and LZ4_RAW. Snappy, Zstandard and LZ4 are aircompressor's pure-Java
 * decoders (no native library to load); gzip is the JDK's. LZO, Brotli and the deprecated
 * Hadoop-framed LZ4 are refused by name.
 */
final class ParquetCodecs {
    /**
     * Writers cut pages at about 1 MB; a corrupt header claiming a gigabyte must not allocate it.
     */
    static final int MAX_PAGE_BYTES = 1 << 28;

    private ParquetCodecs() {}

    /** Whether pages written with {@code codec} can be read. */
    static boolean supported(CompressionCodec codec) {
        return switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW -> true;
            default -> false;
        };
    }

    /** The {@code uncompressedSize} bytes that {@code data[offset, offset + length)} holds. */
    static byte[] decompress(
            CompressionCodec codec, byte[] data, int offset, int length, int uncompressedSize)
            throws IOException {
        if (uncompressedSize < 0 || uncompressedSize > MAX_PAGE_BYTES) {
            throw new IOException(
                    "a page claims "
                            + uncompressedSize
                            + " bytes uncompressed; Sentinel reads pages up to "
                            + MAX_PAGE_BYTES);
        }
        byte[] out = new byte[uncompressedSize];
        int written;
        switch (codec) {
            case UNCOMPRESSED -> {
                System.arraycopy(data, offset, out, 0, Math.min(length, uncompressedSize));
                written = length;
            }
            case GZIP -> {
                // GZIPInputStream reads concatenated members, which some writers produce
                try (InputStream in =
                        new GZIPInputStream(new ByteArrayInputStream(data, offset, length))) {
                    written = in.readNBytes(out, 0, uncompressedSize);
                    if (in.read() != -1) {
                        written++; // more than the header promised
                    }
                }
            }
            case SNAPPY -> written = decode(new SnappyDecompressor(), data, offset, length, out);
            case ZSTD -> written = decode(new ZstdDecompressor(), data, offset, length, out);
            case LZ4_RAW -> written = decode(new Lz4Decompressor(), data, offset, length, out);
            default ->
                    throw new IOException(
                            "pages compressed with "
                                    + codec
                                    + " are not supported (only "
                                    + names()
                                    + ")");
        }
        if (written != uncompressedSize) {
            throw new IOException(
                    codec
                            + " page holds "
                            + written
                            + " bytes, its header says "
                            + uncompressedSize);
        }
        return out;
    }

    static String names() {
        return "UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW";
    }

    private static int decode(
            Decompressor decompressor, byte[] data, int offset, int length, byte[] out)
            throws IOException {
        try {
            return decompressor.decompress(data, offset, length, out, 0, out.length);
        } catch (MalformedInputException | IllegalArgumentException e) {
            throw new IOException("corrupt compressed page: " + e.getMessage(), e);
        }
    }
}
