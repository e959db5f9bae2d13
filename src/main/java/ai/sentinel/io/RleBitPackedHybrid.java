package ai.sentinel.io;

import java.io.IOException;

/**
 * Decodes Parquet's RLE/bit-packing hybrid (definition levels, dictionary indices): a sequence of
 * runs, each led by a ULEB128 header whose low bit says which kind. Even: {@code header >> 1}
 * copies of one value stored in {@code ceil(bitWidth / 8)} little-endian bytes. Odd: {@code header
 * >> 1} groups of 8 values packed {@code bitWidth} bits each, least significant bit first.
 */
final class RleBitPackedHybrid {
    private final byte[] data;
    private final int end;
    private final int bitWidth;
    private int position;
    private int repeatsLeft;
    private int repeatedValue;
    private int packedLeft;
    private long bitBuffer;
    private int bitsInBuffer;

    /** Decodes {@code data[offset, offset + length)}. */
    RleBitPackedHybrid(byte[] data, int offset, int length, int bitWidth) throws IOException {
        if (bitWidth < 0 || bitWidth > 32) {
            throw new IOException("RLE/bit-packed bit width " + bitWidth + " is outside 0..32");
        }
        this.data = data;
        this.position = offset;
        this.end = offset + length;
        this.bitWidth = bitWidth;
    }

    int next() throws IOException {
        while (repeatsLeft == 0 && packedLeft == 0) {
            readRunHeader();
        }
        if (repeatsLeft > 0) {
            repeatsLeft--;
            return repeatedValue;
        }
        packedLeft--;
        while (bitsInBuffer < bitWidth) {
            // a writer may end the last group early: values past the data are padding, never read
            int b = position < end ? data[position] & 0xFF : 0;
            position++;
            bitBuffer |= (long) b << bitsInBuffer;
            bitsInBuffer += 8;
        }
        int value = (int) (bitBuffer & ((1L << bitWidth) - 1));
        bitBuffer >>>= bitWidth;
        bitsInBuffer -= bitWidth;
        return value;
    }

    private void readRunHeader() throws IOException {
        if (position >= end) {
            throw new IOException("RLE/bit-packed data ends before all its values were read");
        }
        long header = 0;
        for (int shift = 0; ; shift += 7) {
            if (position >= end || shift > 28) {
                throw new IOException("RLE/bit-packed run header is cut off or too long");
            }
            int b = data[position++] & 0xFF;
            header |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if ((header & 1) == 0) {
            repeatsLeft = (int) (header >>> 1);
            int bytes = (bitWidth + 7) / 8;
            if (position + bytes > end) {
                throw new IOException("RLE/bit-packed run value is cut off");
            }
            repeatedValue = 0;
            for (int i = 0; i < bytes; i++) {
                repeatedValue |= (data[position++] & 0xFF) << (8 * i);
            }
        } else {
            packedLeft = (int) (header >>> 1) * 8;
            bitBuffer = 0;
            bitsInBuffer = 0;
        }
    }
}
