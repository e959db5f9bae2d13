package ai.sentinel.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Token ids in a file, little-endian, 2 bytes each (unsigned) for vocabularies of up to 65,536
 * symbols, else 4; mapped read-only, so training and evaluation read a corpus of any size from the
 * page cache instead of the heap. Mapped in 1 GiB segments, since one Java mapping holds at most 2
 * GiB.
 */
public final class TokenFile implements TokenSequence {
    private static final int SEGMENT_SHIFT = 30;
    private static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;

    private final ByteBuffer[] segments;
    private final int width;
    private final long length;

    private TokenFile(ByteBuffer[] segments, int width, long length) {
        this.segments = segments;
        this.width = width;
        this.length = length;
    }

    /** Bytes per id for a vocabulary of {@code vocabSize} symbols. */
    public static int width(int vocabSize) {
        return vocabSize <= 1 << 16 ? 2 : 4;
    }

    /** Maps a token file of {@code width}-byte ids. */
    public static TokenFile open(Path file, int width) throws IOException {
        if (width != 2 && width != 4) {
            throw new IllegalArgumentException("token width is 2 or 4 bytes, got " + width);
        }
        long bytes = Files.size(file);
        if (bytes % width != 0) {
            throw new IOException(
                    file + " is not a token file of " + width + "-byte ids (" + bytes + " bytes)");
        }
        int count = (int) ((bytes + SEGMENT_MASK) >>> SEGMENT_SHIFT);
        ByteBuffer[] segments = new ByteBuffer[count];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < count; i++) {
                long start = (long) i << SEGMENT_SHIFT;
                segments[i] =
                        channel.map(
                                        FileChannel.MapMode.READ_ONLY,
                                        start,
                                        Math.min(bytes - start, 1L << SEGMENT_SHIFT))
                                .order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        return new TokenFile(segments, width, bytes / width);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int get(long index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("token " + index + " of " + length);
        }
        long at = index * width; // segments are a multiple of the width: an id never straddles two
        ByteBuffer segment = segments[(int) (at >>> SEGMENT_SHIFT)];
        int offset = (int) (at & SEGMENT_MASK);
        return width == 2 ? Short.toUnsignedInt(segment.getShort(offset)) : segment.getInt(offset);
    }
}
