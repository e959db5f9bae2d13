package ai.sentinel.train;

import ai.sentinel.eval.EvalResult;
import ai.sentinel.io.JsonlFiles;
import ai.sentinel.io.JsonlWriter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Appends one JSON object per logged step and per evaluation to a JSONL file ({@code "event":
 * "step" | "eval"}), flushed at every line so a killed run keeps what it measured.
 */
public final class MetricsLog implements StepListener, AutoCloseable {
    private final Path file;
    private final JsonlWriter out;
    private final int everySteps;

    public MetricsLog(Path file, int everySteps) throws IOException {
        this.file = file;
        this.out = new JsonlWriter(file, true);
        this.everySteps = Math.max(1, everySteps);
    }

    /**
     * Cuts the log back to the steps already done, so a run resumed from a checkpoint at step 100
     * after a kill at step 117 does not log steps 101..117 twice (and a fresh run in the same
     * folder starts the log afresh).
     */
    @Override
    public void onStart(long stepsDone) throws IOException {
        JsonlFiles.cutBack(file, JsonlFiles.atMost("step", stepsDone));
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
        o.addProperty("active_heads", s.activeHeads());
        o.addProperty("sparsity", s.sparsity());
        out.write(o);
    }

    @Override
    public void onEval(long step, EvalResult result) {
        JsonObject o = new JsonObject();
        o.addProperty("event", "eval");
        o.addProperty("step", step);
        o.addProperty("val_loss", result.loss());
        o.addProperty("val_perplexity", result.perplexity());
        o.addProperty("val_tokens", result.tokens());
        out.write(o);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
