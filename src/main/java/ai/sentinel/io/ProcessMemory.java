package ai.sentinel.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * This process's memory as the operating system and the JVM see it: resident set now, its peak
 * since the last {@link #resetPeak} (Linux's {@code VmHWM}), and the Java heap. Native memory
 * (libtorch's arrays) shows only in the resident set, which is why both are recorded.
 */
public record ProcessMemory(
        long rssBytes, long peakRssBytes, long heapUsedBytes, long heapCommittedBytes) {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    /** Now; empty where {@code /proc/self/status} does not exist (not Linux). */
    public static Optional<ProcessMemory> now() {
        long rss = -1;
        long peak = -1;
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    peak = kilobytes(line) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (rss < 0 || peak < 0) {
            return Optional.empty();
        }
        Runtime runtime = Runtime.getRuntime();
        return Optional.of(
                new ProcessMemory(
                        rss,
                        peak,
                        runtime.totalMemory() - runtime.freeMemory(),
                        runtime.totalMemory()));
    }

    /**
     * Starts a new peak from the current resident set (Linux 4.0+: "5" written to {@code
     * clear_refs}), so the next {@link #now} gives the peak of what ran in between; does nothing
     * where that is not possible.
     */
    public static void resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc read-only here: peaks then run from the process's start
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
