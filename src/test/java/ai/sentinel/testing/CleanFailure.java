package ai.sentinel.testing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What a parser may do with a corrupt file: succeed, or fail with the project's own clear error, an
 * {@link IOException} or {@link IllegalArgumentException} whose one-line message names the file.
 * Anything else (a NullPointerException, ClassCastException, IndexOutOfBounds, OutOfMemoryError, a
 * native error) is a defect, and so is allocating more than a small multiple of the file's size.
 */
public final class CleanFailure {
    /**
     * Gson's tree and Java strings cost a few dozen bytes per byte of JSON; weights widen at most
     * 4× (F16 → F32).
     */
    private static final long BYTES_PER_FILE_BYTE = 64;

    private static final long SLACK_BYTES = 8L << 20;

    /** A parser under test. */
    @FunctionalInterface
    public interface Parse {
        void run() throws Exception;
    }

    private CleanFailure() {}

    /**
     * Runs {@code parse} on {@code file} ({@code size} bytes) and fails the property on any unclear
     * outcome.
     */
    public static void check(Path file, long size, Parse parse) {
        check(file, size, BYTES_PER_FILE_BYTE, parse);
    }

    /**
     * As {@link #check(Path, long, Parse)}, allowing {@code bytesPerFileByte} of heap per byte of
     * the file.
     */
    public static void check(Path file, long size, long bytesPerFileByte, Parse parse) {
        long before = Corruptions.allocatedBytes();
        try {
            parse.run();
        } catch (IOException | IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains(file.getFileName().toString())) {
                throw new AssertionError("the error does not name " + file + ": " + message, e);
            }
            if (message.lines().count() != 1) {
                throw new AssertionError("not one line: " + message, e);
            }
        } catch (Throwable e) {
            throw new AssertionError(
                    "unclear failure " + e.getClass().getName() + " on " + file, e);
        }
        long allocated = Corruptions.allocatedBytes() - before;
        if (allocated > bytesPerFileByte * size + SLACK_BYTES) {
            throw new AssertionError("allocated " + allocated + " bytes for a file of " + size);
        }
    }
}
