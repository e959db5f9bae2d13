package ai.sentinel.train;

import ai.sentinel.eval.EvalResult;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one JSON object per logged step and per evaluation to a JSONL file ({@code "event": "step" | "eval"}),
 * flushed at every line so a killed run keeps what it measured.
 */
public final class MetricsLog implements StepListener, AutoCloseable {
    private final BufferedWriter out;
    private final int everySteps;
    private final Gson gson = new Gson();

    public MetricsLog(Path file, int everySteps) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.everySteps = Math.max(1, everySteps);
    }

    @Override
    public void onStep(StepStats s) {
        if (s.step() % everySteps != 0 && s.step() != s.totalSteps()) {
            return;
        }
        JsonObject o = new JsonObject();
        o.addProperty("event", "step");
        o.addProperty("step", s.step());
        o.addProperty("loss", s.loss());
        o.addProperty("lr", s.learningRate());
        o.addProperty("grad_norm", s.gradNorm());
        o.addProperty("tokens_per_second", Math.round(s.tokensPerSecond()));
        o.addProperty("elapsed_seconds", s.elapsedSeconds());
        write(o);
    }

    @Override
    public void onEval(long step, EvalResult result) {
        JsonObject o = new JsonObject();
        o.addProperty("event", "eval");
        o.addProperty("step", step);
        o.addProperty("val_loss", result.loss());
        o.addProperty("val_perplexity", result.perplexity());
        o.addProperty("val_tokens", result.tokens());
        write(o);
    }

    private void write(JsonObject o) {
        try {
            out.write(gson.toJson(o));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
