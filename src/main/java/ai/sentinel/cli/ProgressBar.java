package ai.sentinel.cli;

import ai.sentinel.data.BatchProgress;
import ai.sentinel.data.TokenCache;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.StepStats;
import java.io.PrintStream;

/**
 * A one-line progress bar on standard error: step, loss, tokens/s and ETA, redrawn in place on a
 * terminal and printed every 10% when the output is a file or a pipe.
 */
final class ProgressBar implements StepListener, BatchProgress, TokenCache.Progress {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private long lastDraw;
    private double smoothedTokensPerSecond;
    private long batchesStarted;
    private long lastTenth = -1;
    private long lastDone = -1;

    ProgressBar(String label) {
        this.out = System.err;
        this.terminal = System.console() != null;
        this.label = label;
    }

    @Override
    public void onStep(StepStats s) {
        smoothedTokensPerSecond =
                smoothedTokensPerSecond == 0
                        ? s.tokensPerSecond()
                        : 0.9 * smoothedTokensPerSecond + 0.1 * s.tokensPerSecond();
        long now = System.nanoTime();
        boolean done = s.step() == s.totalSteps();
        boolean tenth = s.step() % Math.max(1, s.totalSteps() / 10) == 0;
        if (terminal ? (now - lastDraw > 200_000_000L || done) : (tenth || done)) {
            lastDraw = now;
            draw(s);
        }
    }

    private void draw(StepStats s) {
        double fraction = (double) s.step() / s.totalSteps();
        int filled = (int) Math.round(fraction * WIDTH);
        double perStep = s.elapsedSeconds() / Math.max(1, s.step());
        long eta = Math.round(perStep * (s.totalSteps() - s.step()));
        String line =
                String.format(
                        "%s [%s%s] %d/%d loss %.4f %.0f tok/s ETA %s",
                        label,
                        "=".repeat(filled),
                        " ".repeat(WIDTH - filled),
                        s.step(),
                        s.totalSteps(),
                        s.loss(),
                        smoothedTokensPerSecond,
                        formatDuration(eta));
        if (terminal) {
            out.print("\r" + line + (s.step() == s.totalSteps() ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Batches of an evaluation or measurement: the same bar, counting batches, with an ETA. */
    @Override
    public void batchDone(int done, int total) {
        long now = System.nanoTime();
        if (done == 1 || batchesStarted == 0) {
            batchesStarted = now;
        }
        boolean last = done == total;
        if (terminal
                ? (now - lastDraw > 200_000_000L || last)
                : (done % Math.max(1, total / 10) == 0 || last)) {
            lastDraw = now;
            int filled = (int) Math.round((double) done / total * WIDTH);
            double perBatch = done > 1 ? (now - batchesStarted) / 1e9 / (done - 1) : 0;
            String line =
                    String.format(
                            "%s [%s%s] %d/%d batches ETA %s",
                            label,
                            "=".repeat(filled),
                            " ".repeat(WIDTH - filled),
                            done,
                            total,
                            formatDuration(Math.round(perBatch * (total - done))));
            out.print(terminal ? "\r" + line + (last ? "\n" : "") : line + "\n");
            out.flush();
        }
    }

    /** Bytes of a corpus being tokenised: the same bar, in megabytes, with the rate and an ETA. */
    @Override
    public void read(long done, long total) {
        long now = System.nanoTime();
        if (batchesStarted == 0) {
            batchesStarted = now;
        }
        boolean last = done >= total;
        long tenth = Math.max(1, total / 10);
        if (done == lastDone) {
            return; // told again where it stands: nothing new to draw
        }
        lastDone = done;
        if (terminal
                ? (now - lastDraw > 200_000_000L || last)
                : (done / tenth != lastTenth || last)) {
            lastDraw = now;
            lastTenth = done / tenth;
            double seconds = Math.max(1e-9, (now - batchesStarted) / 1e9);
            double rate = done / seconds;
            // a file that grows while it is read is read past the size measured first
            int filled =
                    (int) Math.min(WIDTH, Math.round((double) done / Math.max(1, total) * WIDTH));
            String line =
                    String.format(
                            "%s [%s%s] %.1f/%.1f MB %.2f MB/s ETA %s",
                            label,
                            "=".repeat(filled),
                            " ".repeat(WIDTH - filled),
                            done / 1e6,
                            total / 1e6,
                            rate / 1e6,
                            formatDuration(
                                    rate > 0 ? Math.round(Math.max(0, total - done) / rate) : 0));
            out.print(terminal ? "\r" + line + (last ? "\n" : "") : line + "\n");
            out.flush();
        }
    }

    @Override
    public void onEval(long step, EvalResult result) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.printf(
                "%s step %d: validation loss %.4f, perplexity %.2f%n",
                label, step, result.loss(), result.perplexity());
    }

    static String formatDuration(long seconds) {
        return seconds >= 3600
                ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%02d:%02d", seconds / 60, seconds % 60);
    }
}
