package ai.sentinel.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process and samples its peak resident memory ({@code VmHWM} in {@code
 * /proc/PID/status}, Linux) every 100 ms until it exits.
 */
public final class PeakMemory {
    /** What the process printed, its exit code, its peak resident memory and its wall time. */
    public record Result(int exitCode, String output, long peakBytes, double seconds) {}

    private PeakMemory() {}

    public static Result run(ProcessBuilder command, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("peak-memory", ".log");
        long start = System.nanoTime();
        Process process = command.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        long peakKb = 0;
        while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
            peakKb = Math.max(peakKb, highWaterMarkKb(status));
            if (System.nanoTime() - start > timeoutSeconds * 1_000_000_000L) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "still running after " + timeoutSeconds + " s: " + command.command());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(process.exitValue(), output, peakKb * 1024, seconds);
    }

    private static long highWaterMarkKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between two samples
        }
        return 0;
    }
}
