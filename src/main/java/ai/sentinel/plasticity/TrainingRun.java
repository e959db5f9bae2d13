package ai.sentinel.plasticity;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import ai.sentinel.io.JsonlFiles;
import ai.sentinel.io.JsonlWriter;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.train.Checkpoint;
import ai.sentinel.train.CompositeListener;
import ai.sentinel.train.MetricsLog;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.TrainResult;
import ai.sentinel.train.Trainer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A training run in a run folder, as {@code sentinel train} does it: {@code metrics.jsonl} every 10
 * steps, resumable checkpoints in {@code checkpoint/}. A run that changes heads (progressive growth
 * or a controller) also writes its decisions to {@code events.jsonl}, a controller's per-head
 * snapshots to {@code heads.jsonl}, the fixed prompts' continuations before and after to {@code
 * samples.json} and, for a controller, {@code summary.json}. The caller saves the model when the
 * run completes.
 */
public final class TrainingRun implements AutoCloseable {
    public static final String CHECKPOINT = "checkpoint";
    public static final String MODEL = "model";
    public static final String METRICS = "metrics.jsonl";
    public static final String EVENTS = "events.jsonl";
    public static final String HEADS = "heads.jsonl";
    public static final String CONFIG = "run-config.json";
    public static final String SAMPLES = "samples.json";
    public static final String SUMMARY = "summary.json";

    /** What the run started from, kept so that a resumed run can still report "before". */
    static final String START = "start.json";

    /**
     * Progressive growth during the run: its settings and the validation batches per growth
     * measurement.
     */
    public record Progressive(ProgressiveGrowth.Settings settings, int metricBatches) {}

    /**
     * What changes heads during the run (at most one of progressive growth and a controller), and
     * the continuations of fixed prompts to record before and after.
     */
    public record HeadChanges(
            Optional<Progressive> progressive,
            Optional<ControllerFactory> controller,
            PlasticityCycle.Sampler sampler) {
        public HeadChanges {
            if (progressive.isPresent() && controller.isPresent()) {
                throw new IllegalArgumentException(
                        "progressive growth and a controller cannot run together yet; choose one");
            }
        }

        public static HeadChanges none() {
            return new HeadChanges(Optional.empty(), Optional.empty(), m -> List.of());
        }

        boolean any() {
            return progressive.isPresent() || controller.isPresent();
        }
    }

    /** What the run started from: perplexity, parameters, attention weights, continuations. */
    private record Start(
            double perplexity,
            long parameters,
            RunSummary.AttentionWeights attention,
            List<String> samples) {
        JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("perplexity", perplexity);
            o.addProperty("parameters", parameters);
            o.addProperty("attention_weights", attention.present());
            o.addProperty("active_attention_weights", attention.active());
            JsonArray s = new JsonArray();
            samples.forEach(s::add);
            o.add("samples", s);
            return o;
        }

        static Start fromJson(JsonObject o) {
            List<String> samples = new ArrayList<>();
            JsonFields.asArray(o.get("samples"), "samples")
                    .forEach(e -> samples.add(e.getAsString()));
            return new Start(
                    JsonFields.optDouble(o, "perplexity", Double.NaN),
                    JsonFields.requireLong(o, "parameters"),
                    new RunSummary.AttentionWeights(
                            JsonFields.requireLong(o, "attention_weights"),
                            JsonFields.requireLong(o, "active_attention_weights")),
                    samples);
        }
    }

    private final Path folder;
    private final CausalLm model;
    private final TextDataset data;
    private final TrainConfig config;
    private final HeadChanges changes;
    private final MetricsLog metrics;
    private final JsonlWriter events;
    private final JsonlWriter heads;
    private final Trainer trainer;
    private final HeadController controller;
    private final Start start;

    /**
     * @param folder the run folder (must exist)
     * @param resuming whether {@link #resume} will continue the folder's checkpoint (whose model
     *     {@code model} is): progressive growth then prunes nothing and continues its schedule
     * @param progress told of every step and evaluation besides the metrics log (a progress bar)
     */
    public TrainingRun(
            Path folder,
            CausalLm model,
            TextDataset data,
            TrainConfig config,
            HeadChanges changes,
            boolean resuming,
            StepListener progress)
            throws IOException {
        this.folder = folder;
        this.model = model;
        this.data = data;
        this.config = config;
        this.changes = changes;
        this.metrics = new MetricsLog(folder.resolve(METRICS), 10);
        this.events = changes.any() ? new JsonlWriter(folder.resolve(EVENTS), resuming) : null;
        this.heads =
                changes.controller().isPresent()
                        ? new JsonlWriter(folder.resolve(HEADS), resuming)
                        : null;
        this.start = changes.any() ? start(resuming) : null;
        this.trainer = new Trainer(model, data, config, CompositeListener.of(progress, metrics));
        if (changes.progressive().isPresent()) {
            Progressive p = changes.progressive().get();
            HeadMeter meter =
                    new HeadMeter(data.validation(), config.batchSize(), p.metricBatches());
            trainer.addHook(
                    resuming
                            ? ProgressiveGrowth.resumed(
                                    model, meter, p.settings(), config.steps(), this::write)
                            : ProgressiveGrowth.start(
                                    model, meter, p.settings(), config.steps(), this::write));
        }
        this.controller =
                changes.controller()
                        .map(f -> f.create(model, data, 0, 0, this::write, config.seed()))
                        .orElse(null);
        if (controller != null) {
            trainer.addHook(controller);
        }
    }

    /** Measures (a fresh run) or reads back (a resumed one) where the run started. */
    private Start start(boolean resuming) throws IOException {
        Path file = folder.resolve(START);
        if (resuming && Files.exists(file)) {
            try {
                return Start.fromJson(Json.readObject(file));
            } catch (IllegalArgumentException e) {
                throw new ai.sentinel.io.JsonFormatException(file + ": " + e.getMessage());
            }
        }
        EvalResult eval =
                new Evaluator(data.validation(), config.batchSize(), config.evalBatches())
                        .evaluate(model);
        Start s =
                new Start(
                        eval.perplexity(),
                        model.numParameters(),
                        RunSummary.AttentionWeights.of(model),
                        changes.sampler().samples(model));
        Json.write(file, s.toJson());
        return s;
    }

    /** Decisions and intervals to events.jsonl, a controller's head snapshots to heads.jsonl. */
    private void write(RunEvent event) {
        (event instanceof RunEvent.ControllerSnapshot ? heads : events)
                .write(RunEventJson.toJson(event));
    }

    /**
     * Whether the run folder holds a complete checkpoint to resume from, after finishing a
     * checkpoint swap that a kill interrupted (the previous checkpoint may lie in {@code
     * checkpoint.old} or the new one in {@code checkpoint.tmp}).
     */
    public static boolean recoverCheckpoint(Path folder) throws IOException {
        return Checkpoint.recover(folder.resolve(CHECKPOINT));
    }

    /**
     * The checkpoint's model, to continue training from (its tokenizer files lie in the same
     * folder).
     */
    public static Path checkpointModel(Path folder) {
        return folder.resolve(CHECKPOINT).resolve(Checkpoint.MODEL_FOLDER);
    }

    /** Loads the checkpoint's model. */
    public static CausalLm loadCheckpointModel(Path folder, NDManager manager) throws IOException {
        return ModelFiles.load(checkpointModel(folder), manager);
    }

    /**
     * Continues from the run folder's checkpoint, whose weights the model was loaded from; returns
     * the step reached.
     *
     * @throws IllegalArgumentException when the checkpoint is past the configured steps
     */
    public long resume() throws IOException {
        Path checkpoint = folder.resolve(CHECKPOINT);
        trainer.resumeFrom(checkpoint);
        long step = trainer.state().step();
        // decisions at the checkpoint's step and after will be made again
        if (changes.any()) {
            for (String log : List.of(EVENTS, HEADS)) {
                JsonlFiles.cutBack(folder.resolve(log), JsonlFiles.atMost("step", step - 1));
            }
        }
        // equal: killed after the last checkpoint but before model/ was saved; run() then only
        // finishes the run
        if (step > trainer.config().steps()) {
            throw new IllegalArgumentException(
                    "the checkpoint in "
                            + checkpoint
                            + " is already at step "
                            + step
                            + "; --steps "
                            + trainer.config().steps()
                            + " leaves nothing to do (raise --steps)");
        }
        return step;
    }

    /**
     * Trains to the configured steps or until {@link #requestStop}; checkpoints carry {@code
     * modelExtras}. A completed run that changed heads then lets its controller finish (the learned
     * controller makes its gates binary), and writes {@code samples.json} and, with a controller,
     * {@code summary.json}.
     */
    public TrainResult run(AtomicFiles.FolderWriter modelExtras) throws IOException {
        TrainResult result = trainer.run(folder.resolve(CHECKPOINT), modelExtras);
        if (result.stoppedEarly() || !changes.any()) {
            return result;
        }
        if (controller != null) {
            controller.finish(trainer.context());
            EvalResult after =
                    new Evaluator(data.validation(), config.batchSize(), config.evalBatches())
                            .evaluate(model);
            result =
                    new TrainResult(
                            result.steps(),
                            result.lastLoss(),
                            after,
                            false,
                            result.tokensPerSecond());
            Json.write(folder.resolve(SUMMARY), summary(after.perplexity()).toJson());
        }
        JsonObject samples = new JsonObject();
        JsonArray before = new JsonArray();
        start.samples().forEach(before::add);
        JsonArray after = new JsonArray();
        changes.sampler().samples(model).forEach(after::add);
        samples.add("before", before);
        samples.add("after", after);
        Json.write(folder.resolve(SAMPLES), samples);
        return result;
    }

    /** The summary of a controller run, given the final perplexity. */
    public RunSummary summary(double perplexityAfter) {
        return RunSummary.of(
                controller == null ? "none" : controller.name(),
                model,
                start.attention(),
                start.parameters(),
                start.perplexity(),
                perplexityAfter);
    }

    /**
     * Stops after the current step, which then writes a resumable checkpoint (safe from any
     * thread).
     */
    public void requestStop() {
        trainer.requestStop();
    }

    @Override
    public void close() throws IOException {
        trainer.close();
        metrics.close();
        for (JsonlWriter w : new JsonlWriter[] {events, heads}) {
            if (w != null) {
                w.close();
            }
        }
    }
}
