package ai.sentinel.plasticity;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.AtomicFiles;
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
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A training run in a run folder, as {@code sentinel train} does it: {@code metrics.jsonl} every 10
 * steps, resumable checkpoints in {@code checkpoint/}, and with progressive growth its decisions in
 * {@code events.jsonl}. The caller saves the model when the run completes.
 */
public final class TrainingRun implements AutoCloseable {
    public static final String CHECKPOINT = "checkpoint";
    public static final String MODEL = "model";
    public static final String METRICS = "metrics.jsonl";
    public static final String EVENTS = "events.jsonl";
    public static final String CONFIG = "run-config.json";

    /**
     * Progressive growth during the run: its settings and the validation batches per growth
     * measurement.
     */
    public record Progressive(ProgressiveGrowth.Settings settings, int metricBatches) {}

    private final Path folder;
    private final MetricsLog metrics;
    private final JsonlWriter events;
    private final Trainer trainer;

    /**
     * @param folder the run folder (must exist)
     * @param progress told of every step and evaluation besides the metrics log (a progress bar)
     */
    public TrainingRun(
            Path folder,
            CausalLm model,
            TextDataset data,
            TrainConfig config,
            Optional<Progressive> progressive,
            StepListener progress)
            throws IOException {
        this.folder = folder;
        this.metrics = new MetricsLog(folder.resolve(METRICS), 10);
        this.events =
                progressive.isPresent() ? new JsonlWriter(folder.resolve(EVENTS), false) : null;
        this.trainer = new Trainer(model, data, config, CompositeListener.of(progress, metrics));
        if (progressive.isPresent()) {
            Progressive p = progressive.get();
            trainer.addHook(
                    ProgressiveGrowth.start(
                            model,
                            new HeadMeter(data.validation(), config.batchSize(), p.metricBatches()),
                            p.settings(),
                            config.steps(),
                            events::write));
        }
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
     * modelExtras}.
     */
    public TrainResult run(AtomicFiles.FolderWriter modelExtras) throws IOException {
        return trainer.run(folder.resolve(CHECKPOINT), modelExtras);
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
        if (events != null) {
            events.close();
        }
    }
}
