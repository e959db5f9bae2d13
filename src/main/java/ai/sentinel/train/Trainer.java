package ai.sentinel.train;

import ai.djl.ndarray.NDScope;
import ai.sentinel.data.Batch;
import ai.sentinel.data.BatchSampler;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.ProcessMemory;
import ai.sentinel.model.CausalLm;
import ai.sentinel.nn.Parameter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The training loop: per step, one batch → mean next-token cross-entropy → backward → global-norm
 * clip → AdamW. Each step runs in its own {@code NDScope}, so memory stays flat. A non-finite loss
 * or gradient norm stops the run before the update is applied; the last checkpoint on disk is then
 * the last good state.
 */
public final class Trainer implements AutoCloseable {
    private final CausalLm model;
    private final TextDataset data;
    private final TrainConfig config;
    private final StepListener listener;
    private final AdamW optimizer;
    private final boolean ownsOptimizer;
    private final HeadRates rates;
    private final List<Parameter> trained;
    private final TrainingStep trainingStep;
    private final Evaluator evaluator;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final List<StepHook> hooks = new ArrayList<>();
    private TrainState state;

    public Trainer(CausalLm model, TextDataset data, TrainConfig config, StepListener listener) {
        this(model, data, config, listener, null);
    }

    /**
     * A trainer that updates with {@code shared} (made for {@link #trainedParameters}), which it
     * neither owns nor closes: one optimizer serving several runs keeps its moments across them.
     * {@code null}: a fresh optimizer of its own.
     */
    public Trainer(
            CausalLm model,
            TextDataset data,
            TrainConfig config,
            StepListener listener,
            AdamW shared) {
        this.model = model;
        this.data = data;
        this.config = config;
        this.listener = listener;
        this.trained = trainedParameters(model, config);
        this.ownsOptimizer = shared == null;
        this.optimizer =
                shared != null ? shared : new AdamW(trained, config.optimizer(), model.manager());
        if (!optimizer.parameters().equals(trained)) {
            throw new IllegalArgumentException(
                    "the shared optimizer does not hold exactly the parameters this run trains");
        }
        this.rates = new HeadRates(model);
        this.trainingStep =
                new TrainingStep(model, optimizer, config.gradClip(), config.microBatch());
        this.evaluator = new Evaluator(data.validation(), config.batchSize(), config.evalBatches());
        this.state = TrainState.fresh(config.seed());
    }

    /**
     * The parameters a run of {@code config} trains: the model's trainable ones, and its gates if
     * asked.
     */
    public static List<Parameter> trainedParameters(CausalLm model, TrainConfig config) {
        List<Parameter> params = new ArrayList<>(model.trainableParameters());
        if (config.trainGates()) {
            params.add(model.gates().gate());
        }
        return List.copyOf(params);
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /** What hooks act on, for work after the run (a controller's {@code finish}). */
    public StepContext context() {
        return new StepContext(optimizer, rates);
    }

    /** The per-head learning-rate controls the hooks compose, applied before every update. */
    public HeadRates rates() {
        return rates;
    }

    public TrainState state() {
        return state;
    }

    public TrainConfig config() {
        return config;
    }

    /**
     * Continues from a checkpoint whose {@code model/} weights the caller already loaded into the
     * model.
     */
    public void resumeFrom(Path checkpoint) throws IOException {
        TrainState saved = Checkpoint.readState(checkpoint);
        if (saved.seed() != config.seed()) {
            throw new IOException(
                    "checkpoint "
                            + checkpoint
                            + " was written with seed "
                            + saved.seed()
                            + ", this run has seed "
                            + config.seed());
        }
        Checkpoint.restoreOptimizer(checkpoint, optimizer);
        for (StepHook hook : hooks) {
            if (hook instanceof StatefulHook stateful) {
                JsonObject json =
                        Checkpoint.readHookState(checkpoint, stateful.stateName())
                                .orElseThrow(
                                        () ->
                                                new IOException(
                                                        "checkpoint "
                                                                + checkpoint
                                                                + " holds no state of "
                                                                + stateful.stateName()
                                                                + ": resume with the options of the run that wrote it"));
                try {
                    stateful.restoreState(json);
                } catch (IllegalArgumentException e) {
                    throw new ai.sentinel.io.JsonFormatException(
                            checkpoint.resolve(Checkpoint.HOOKS_FOLDER)
                                    + "/"
                                    + stateful.stateName()
                                    + ".json: "
                                    + e.getMessage());
                }
            }
        }
        List<String> unused = new ArrayList<>(Checkpoint.hookStateNames(checkpoint));
        hooks.forEach(h -> unused.remove(h instanceof StatefulHook st ? st.stateName() : ""));
        if (!unused.isEmpty()) {
            throw new IOException(
                    "checkpoint "
                            + checkpoint
                            + " holds the state of "
                            + String.join(", ", unused)
                            + ", which this run does not have: resume with the options of the run that wrote it");
        }
        state = saved;
    }

    /**
     * Adds a hook that runs around every optimizer step (gate warm-up, per-head learning rates,
     * controllers), after those added before it. Add stateful hooks before {@link #resumeFrom}.
     */
    public void addHook(StepHook hook) {
        if (hook instanceof StatefulHook stateful
                && hooks.stream()
                        .anyMatch(
                                h ->
                                        h instanceof StatefulHook other
                                                && other.stateName()
                                                        .equals(stateful.stateName()))) {
            throw new IllegalArgumentException("two hooks keep state as " + stateful.stateName());
        }
        hooks.add(hook);
    }

    /** Asks the loop to stop after the current step (thread-safe; for Ctrl-C and tests). */
    public void requestStop() {
        stopRequested.set(true);
    }

    /**
     * Trains until {@code config.steps()} or a stop request, writing checkpoints into {@code
     * checkpoint} with {@code modelExtras} (tokenizer files) added to the model folder; none where
     * {@code checkpoint} is null (a caller that keeps its own resumable state).
     */
    public TrainResult run(Path checkpoint, AtomicFiles.FolderWriter modelExtras)
            throws IOException {
        BatchSampler sampler =
                new BatchSampler(
                        data.train(), config.batchSize(), config.seed(), state.samplerPosition());
        listener.onStart(state.step());
        long start = System.nanoTime();
        long tokensDone = 0;
        float lastLoss = Float.NaN;
        EvalResult lastEval = null;
        while (state.step() < config.steps() && !stopRequested.get()) {
            long step = state.step();
            long t0 = System.nanoTime();
            Batch batch = sampler.next();
            float lr = config.schedule().rate(step);
            StepContext context = new StepContext(optimizer, rates);
            for (StepHook hook : hooks) {
                hook.beforeStep(step, context);
            }
            rates.applyTo(optimizer);
            TrainingStep.Outcome outcome;
            try {
                outcome = trainingStep.apply(batch, lr, step);
            } catch (TrainingDivergedException e) {
                throw new TrainingDivergedException(
                        e.getMessage()
                                + ". "
                                + lastGoodState(checkpoint)
                                + "; lower --lr or raise --lr-warmup-steps");
            }
            for (StepHook hook : hooks) {
                hook.afterStep(step, outcome, context);
            }
            lastLoss = outcome.loss();
            state = new TrainState(step + 1, sampler.position(), config.seed());
            long tokens = (long) batch.batchSize() * batch.length();
            tokensDone += tokens;
            double seconds = (System.nanoTime() - t0) / 1e9;
            listener.onStep(
                    new StepStats(
                            step + 1,
                            config.steps(),
                            lastLoss,
                            lr,
                            outcome.gradNorm(),
                            tokens / seconds,
                            (System.nanoTime() - start) / 1e9,
                            model.gates().numActive(),
                            model.config().numLayers() * model.config().numHeads()));
            boolean last = state.step() == config.steps() || stopRequested.get();
            if (last) { // what follows (evaluation, saving, the caller's phases) needs none
                trained.forEach(Parameter::dropGradient);
                ProcessMemory.releaseFreed();
            }
            if (last || (config.evalEvery() > 0 && state.step() % config.evalEvery() == 0)) {
                lastEval = evaluator.evaluate(model);
                listener.onEval(state.step(), lastEval);
            }
            if (last
                    || (config.checkpointEvery() > 0
                            && state.step() % config.checkpointEvery() == 0)) {
                requireFiniteWeights(state.step(), checkpoint);
                if (checkpoint != null) {
                    Checkpoint.save(checkpoint, model, optimizer, state, hookStates(), modelExtras);
                    listener.onCheckpoint(state.step(), checkpoint);
                }
            }
        }
        if (lastEval == null) {
            lastEval = evaluator.evaluate(model);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new TrainResult(
                state.step(),
                lastLoss,
                lastEval,
                state.step() < config.steps(),
                elapsed > 0 ? tokensDone / elapsed : 0);
    }

    private Map<String, JsonObject> hookStates() {
        Map<String, JsonObject> states = new LinkedHashMap<>();
        for (StepHook hook : hooks) {
            if (hook instanceof StatefulHook stateful) {
                states.put(stateful.stateName(), stateful.saveState());
            }
        }
        return states;
    }

    /** Where the last good weights are, as a sentence for the divergence message. */
    private static String lastGoodState(Path checkpoint) {
        if (checkpoint == null) {
            return "This run writes no checkpoint; its caller keeps the last good state";
        }
        if (!Checkpoint.exists(checkpoint)) {
            return "No checkpoint had been written yet, so nothing was saved";
        }
        try {
            return "The last good state is the checkpoint in "
                    + checkpoint
                    + " (step "
                    + Checkpoint.readState(checkpoint).step()
                    + "; continue with --resume)";
        } catch (IOException e) {
            return "The last good state is the checkpoint in " + checkpoint;
        }
    }

    /**
     * An update can overflow the weights without any loss having been NaN yet: never checkpoint
     * such weights.
     */
    private void requireFiniteWeights(long step, Path checkpoint) {
        try (NDScope scope = new NDScope()) {
            for (Parameter p : trained) {
                if (p.value().isNaN().any().getBoolean()
                        || p.value().isInfinite().any().getBoolean()) {
                    throw new TrainingDivergedException(
                            "training diverged at step "
                                    + step
                                    + ": "
                                    + p.name()
                                    + " holds non-finite values after the update, so no checkpoint was written. "
                                    + lastGoodState(checkpoint)
                                    + "; lower --lr");
                }
            }
        }
    }

    @Override
    public void close() {
        trainingStep.close();
        if (ownsOptimizer) {
            optimizer.close();
        }
    }
}
