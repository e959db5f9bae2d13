package ai.sentinel.plasticity;

import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.JsonFields;
import ai.sentinel.io.JsonlFiles;
import ai.sentinel.io.ProcessMemory;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.Checkpoint;
import ai.sentinel.train.CompositeListener;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.StepStats;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The neural plasticity cycle: optional initial training, then per cycle baseline → prune → measure
 * → grow → learn → evaluate. Every number it logs is measured on the model at that moment; every
 * decision is logged with the scores that made it.
 */
public final class PlasticityCycle {
    /** Sample texts of the model at a stage (callers own the tokenizer). */
    @FunctionalInterface
    public interface Sampler {
        List<String> samples(CausalLm model);
    }

    /** Saves the model folder of a stage ({@code --save-model}); does nothing by default. */
    @FunctionalInterface
    public interface StageSaver {
        void save(CausalLm model, String stage) throws IOException;
    }

    private final CausalLm model;
    private final TextDataset data;
    private final CycleConfig config;
    private final RunLog log;

    /**
     * The AdamW every learning phase shares, made by the first one: moments follow head surgery
     * ({@link AdamW#remap}) instead of starting afresh each phase.
     */
    private AdamW optimizer;

    private final Sampler sampler;
    private final StageSaver saver;
    private boolean resumable = true;
    private final StepListener progress;
    private final HeadMeter meter;
    private final Evaluator evaluator;
    private long step;
    private ControllerFactory controller;
    private EvalResult startEvaluation; // the unchanged model's, for the first stage only
    private Path momentsSpill; // where the optimizer's moments wait between learning phases

    public PlasticityCycle(
            CausalLm model,
            TextDataset data,
            CycleConfig config,
            RunLog log,
            Sampler sampler,
            StageSaver saver,
            StepListener progress) {
        this.model = model;
        this.data = data;
        this.config = config;
        this.log = log;
        this.sampler = sampler;
        this.saver = saver;
        this.progress = progress;
        this.meter =
                new HeadMeter(
                        data.validation(), config.training().batchSize(), config.metricBatches());
        this.evaluator =
                new Evaluator(
                        data.validation(),
                        config.training().batchSize(),
                        config.training().evalBatches());
    }

    /**
     * Lets a controller prune and revive heads during every training phase (the initial training
     * and each cycle's learning), beside the cycle's own pruning and growth. Call before {@link
     * #run} or {@link #resume}.
     */
    public PlasticityCycle withController(ControllerFactory factory) {
        this.controller = factory;
        return this;
    }

    /**
     * Makes every learning phase update with {@code shared} (made for {@code model.parameters()})
     * instead of an AdamW of its own, so its moments carry over from runs before this one (as in
     * {@code sentinel upgrade}, which snapshots and restores it around each cycle). Call before
     * {@link #run}.
     */
    public PlasticityCycle withOptimizer(AdamW shared) {
        if (!shared.parameters().equals(model.trainableParameters())) {
            throw new IllegalArgumentException(
                    "the shared optimizer does not hold exactly the model's trainable parameters");
        }
        this.optimizer = shared;
        return this;
    }

    /**
     * The evaluation of the model as it is now, made by the caller with this cycle's evaluation
     * settings (validation blocks, batch size, batches): the first stage logs it instead of
     * evaluating the unchanged model again. Call before {@link #run}.
     */
    public PlasticityCycle withStartEvaluation(EvalResult start) {
        this.startEvaluation = start;
        return this;
    }

    /**
     * After each learning phase, spills the optimizer's moments to {@code file} until the next one
     * (twice the model's size that evaluation, measurement and saving do not need). Call before
     * {@link #run}.
     */
    public PlasticityCycle withMomentsSpilledTo(Path file) {
        this.momentsSpill = file;
        return this;
    }

    /**
     * Writes none of the saved states and training checkpoints a resume of this run would read: for
     * a caller that keeps its own (an upgrade restarts a killed cycle from its last completed one),
     * they are a copy of the model and the optimizer per point, tens of gigabytes of writing for
     * one cycle of a 1.1B model. A run without them cannot be resumed by {@link #resume}.
     */
    public PlasticityCycle withoutResumeState() {
        this.resumable = false;
        return this;
    }

    /** Runs from the start, discarding any saved state of an earlier run in the same folder. */
    public List<CycleResult> run() throws IOException {
        CycleCheckpoint.clear(log.folder());
        step = 0;
        if (config.initialTrainingSteps() > 0) {
            stage(Stage.INITIAL, 0);
            save(CycleCheckpoint.Point.BEFORE_TRAINING, 0, List.of(), Optional.empty());
            train(
                    0,
                    config.initialTrainingSteps(),
                    new HeadSchedule(model, config.schedule()),
                    false);
            save(CycleCheckpoint.Point.CYCLE_DONE, 0, List.of(), Optional.empty());
        }
        return cyclesFrom(1, new ArrayList<>());
    }

    /**
     * Continues a killed run from its saved state (the model must be the one {@link
     * CycleCheckpoint#loadModel} loaded for it): the logs are cut back to that state, so they end
     * as an uninterrupted run's.
     */
    public List<CycleResult> resume(CycleCheckpoint.State state) throws IOException {
        if (!resumable) {
            throw new IllegalStateException("a cycle run without resume state cannot be resumed");
        }
        step = state.step();
        List<CycleResult> results = new ArrayList<>(state.results());
        long[] bytes = state.logBytes();
        JsonlFiles.truncate(log.folder().resolve(RunLog.EVENTS), bytes[1]);
        JsonlFiles.truncate(log.folder().resolve(RunLog.HEADS), bytes[2]);
        int c = state.cycle();
        if (state.point() == CycleCheckpoint.Point.CYCLE_DONE) {
            JsonlFiles.truncate(log.folder().resolve(RunLog.METRICS), bytes[0]);
            if (CycleCheckpoint.hasOptimizer(log.folder())) {
                CycleCheckpoint.restoreOptimizer(log.folder(), optimizer());
            }
            return cyclesFrom(c + 1, results);
        }
        cutMetricsBackToTrainerCheckpoint(c, bytes[0]);
        // a phase's own checkpoint holds the optimizer as that phase left it (after any surgery a
        // controller made); otherwise the state's copy is the one to continue
        boolean phaseCheckpoint =
                state.point() == CycleCheckpoint.Point.BEFORE_TRAINING
                        && Checkpoint.exists(CycleCheckpoint.trainerCheckpoint(log.folder(), c));
        if (!phaseCheckpoint && CycleCheckpoint.hasOptimizer(log.folder())) {
            CycleCheckpoint.restoreOptimizer(log.folder(), optimizer());
        }
        if (c == 0) {
            train(
                    0,
                    config.initialTrainingSteps(),
                    new HeadSchedule(model, config.schedule()),
                    true);
            save(CycleCheckpoint.Point.CYCLE_DONE, 0, results, Optional.empty());
        } else {
            results.add(secondHalf(c, state.firstHalf().orElseThrow(), true));
            finishCycle(c, results);
        }
        return cyclesFrom(c + 1, results);
    }

    /**
     * Keeps the metric lines up to the saved state, then those of the training phase up to its last
     * checkpoint (steps logged after it will be repeated, and so would be logged twice).
     */
    private void cutMetricsBackToTrainerCheckpoint(int c, long bytesAtState) throws IOException {
        Path trainer = CycleCheckpoint.trainerCheckpoint(log.folder(), c);
        long trained = Checkpoint.exists(trainer) ? Checkpoint.readState(trainer).step() : 0;
        long lastStep = step + trained;
        String phase = CycleCheckpoint.phase(c).key();
        JsonlFiles.cutBack(
                log.folder().resolve(RunLog.METRICS),
                bytesAtState,
                line ->
                        phase.equals(JsonFields.optString(line, "phase", ""))
                                && JsonFields.optInt(line, "cycle", -1) == c
                                && JsonlFiles.atMost("step", lastStep).test(line));
    }

    private List<CycleResult> cyclesFrom(int first, List<CycleResult> results) throws IOException {
        for (int c = first; c <= config.cycles(); c++) {
            CycleCheckpoint.FirstHalf half = firstHalf(c);
            save(CycleCheckpoint.Point.BEFORE_TRAINING, c, results, Optional.of(half));
            results.add(secondHalf(c, half, false));
            finishCycle(c, results);
        }
        return results;
    }

    private void finishCycle(int c, List<CycleResult> results) throws IOException {
        log.writeJson(RunLog.SUMMARY, RunEventJson.summary(results));
        save(CycleCheckpoint.Point.CYCLE_DONE, c, results, Optional.empty());
    }

    private void save(
            CycleCheckpoint.Point point,
            int c,
            List<CycleResult> results,
            Optional<CycleCheckpoint.FirstHalf> half)
            throws IOException {
        if (!resumable) {
            return;
        }
        long[] bytes = new long[3];
        List<String> logs = List.of(RunLog.METRICS, RunLog.EVENTS, RunLog.HEADS);
        for (int i = 0; i < bytes.length; i++) {
            Path file = log.folder().resolve(logs.get(i));
            bytes[i] = Files.exists(file) ? Files.size(file) : 0;
        }
        CycleCheckpoint.save(
                log.folder(),
                model,
                Optional.ofNullable(optimizer),
                new CycleCheckpoint.State(point, c, step, List.copyOf(results), half, bytes));
    }

    private CycleCheckpoint.FirstHalf firstHalf(int c) throws IOException {
        StageResult baseline = stage(Stage.BASELINE, c);
        HeadMeasurements measured = meter.measure(model, MaskedHeads.AS_IS);
        ProcessMemory.releaseFreed(); // the backward pass's temporaries
        log.write(
                new RunEvent.Measurements(
                        c,
                        step,
                        grid(measured.entropy()),
                        grid(measured.normalizedEntropy()),
                        grid(measured.gradientNorm()),
                        grid(measured.magnitude()),
                        grid(measured.importance())));
        List<HeadId> pruned = prune(c, measured);
        StageResult afterPruning = stage(Stage.PRUNED, c);
        List<HeadId> grown = grow(c, pruned.size(), measured.importance());
        StageResult afterGrowth = stage(Stage.GROWN, c);
        return new CycleCheckpoint.FirstHalf(baseline, afterPruning, afterGrowth, pruned, grown);
    }

    private CycleResult secondHalf(int c, CycleCheckpoint.FirstHalf half, boolean resuming)
            throws IOException {
        HeadSchedule schedule = new HeadSchedule(model, config.learningSchedule());
        schedule.grown(half.grownHeads(), 0);
        train(c, config.learningSteps(), schedule, resuming);
        if (momentsSpill != null && optimizer != null) {
            optimizer.spill(momentsSpill);
        }
        schedule.setGates(config.learningSteps());
        StageResult last = stage(Stage.FINAL, c);
        return new CycleResult(
                c,
                half.baseline(),
                half.pruned(),
                half.grown(),
                last,
                half.prunedHeads(),
                half.grownHeads());
    }

    private List<HeadId> prune(int c, HeadMeasurements measured) {
        Plasticity.Pruned pruned =
                Plasticity.prune(
                        model,
                        measured,
                        new PruneRequest(
                                config.pruning(),
                                config.initialPruning(),
                                config.mode(),
                                config.maxPrunedFraction(),
                                config.entropyWeight(),
                                config.gradientWeight(),
                                config.normalizeImportance(),
                                config.seed() + c,
                                config.gqaPolicy(),
                                config.uniformLayers()));
        pruned.events(c, step).forEach(log::write);
        if (optimizer != null) {
            optimizer.remap(pruned.remaps());
        }
        return pruned.heads();
    }

    private List<HeadId> grow(int c, int prunedThisCycle, HeadScores importance) {
        int count =
                config.growthRatio() == 0
                                || prunedThisCycle == 0
                                        && Plasticity.activeHeads(model).size()
                                                == Plasticity.allHeads(model).size()
                        ? 0
                        : Math.max(1, (int) Math.round(config.growthRatio() * prunedThisCycle));
        Plasticity.Grown grown =
                Plasticity.grow(
                        model,
                        meter,
                        new GrowRequest(
                                config.growth(),
                                count,
                                config.init(),
                                config.schedule().gate(0),
                                config.initialScale(),
                                config.seed() + c),
                        importance);
        grown.events(c, step).forEach(log::write);
        if (optimizer != null) {
            optimizer.remap(grown.remaps());
        }
        return grown.heads();
    }

    /**
     * Trains cycle {@code c}'s phase (0: the initial training). {@code resuming}: continue from the
     * phase's own checkpoint when it wrote one (the model then already holds its weights).
     */
    private void train(int c, int steps, HeadSchedule schedule, boolean resuming)
            throws IOException {
        if (steps == 0) {
            return;
        }
        TrainingPhase phase = CycleCheckpoint.phase(c);
        CycleConfig.Training t = config.training();
        TrainConfig trainConfig =
                TrainConfig.cosine(
                                steps,
                                t.batchSize(),
                                t.learningRate(),
                                Math.min(t.warmupSteps(), steps),
                                t.evalBatches(),
                                config.seed() + c)
                        .withCheckpointEvery(t.checkpointEvery())
                        .withMicroBatch(t.microBatch());
        long start = step;
        // every 10th step, but about 30 points in a short phase (a 40-step phase logged 4 and drew
        // no curve)
        long every = Math.max(1, Math.min(10, steps / 30));
        StepListener metrics =
                new StepListener() {
                    @Override
                    public void onStep(StepStats s) {
                        if (s.step() % every == 0 || s.step() == s.totalSteps()) {
                            log.write(
                                    new RunEvent.StepMetrics(
                                            phase,
                                            c,
                                            start + s.step(),
                                            s.loss(),
                                            s.learningRate(),
                                            model.gates().numActive(),
                                            model.numParameters(),
                                            s.tokensPerSecond()));
                        }
                    }
                };
        Path checkpoint = CycleCheckpoint.trainerCheckpoint(log.folder(), c);
        try (Trainer trainer =
                new Trainer(
                        model,
                        data,
                        trainConfig,
                        CompositeListener.of(progress, metrics),
                        optimizer())) {
            trainer.addHook(schedule);
            HeadController headController =
                    controller == null
                            ? null
                            : controller.create(
                                    model, data, c, start, log::write, config.seed() + c);
            // added after the cycle's schedule: a head it revives warms up under its own control
            // (both multipliers compose, and its gates win), so a resumed phase repeats it exactly
            if (headController != null) {
                trainer.addHook(headController);
            }
            if (resuming && Checkpoint.exists(checkpoint)) {
                trainer.resumeFrom(checkpoint);
            }
            boolean completed =
                    !trainer.run(resumable ? checkpoint : null, folder -> {}).stoppedEarly();
            if (headController != null && completed) {
                headController.finish(trainer.context());
            }
        }
        step += steps;
    }

    /** The shared optimizer, made on first use for the model's trained parameters. */
    private AdamW optimizer() {
        if (optimizer == null) {
            optimizer =
                    new AdamW(model.trainableParameters(), AdamWConfig.defaults(), model.manager());
        }
        return optimizer;
    }

    private StageResult stage(Stage stage, int c) throws IOException {
        EvalResult eval = startEvaluation != null ? startEvaluation : evaluator.evaluate(model);
        startEvaluation = null;
        StageResult result =
                new StageResult(
                        stage,
                        c,
                        step,
                        eval.loss(),
                        Arrays.stream(eval.sequenceLosses()).boxed().toList(),
                        model.gates().numActive(),
                        model.numParameters(),
                        sampler.samples(model));
        log.write(result);
        log.write(headMap(stage, c));
        saver.save(model, c == 0 ? stage.key() : "cycle" + c + "-" + stage.key());
        return result;
    }

    private RunEvent.HeadMap headMap(Stage stage, int c) {
        int layers = model.config().numLayers();
        int heads = model.config().numHeads();
        float[] mask = model.gates().maskValues();
        float[] gates = model.gates().gateValues();
        double[][] m = new double[layers][heads];
        double[][] g = new double[layers][heads];
        double[][] p = new double[layers][heads];
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                m[l][h] = mask[l * heads + h] != 0 ? 1 : 0;
                g[l][h] = gates[l * heads + h];
                p[l][h] = model.config().isPresent(new HeadId(l, h)) ? 1 : 0;
            }
        }
        return new RunEvent.HeadMap(
                stage, c, step, new HeadGrid(m), new HeadGrid(g), new HeadGrid(p));
    }

    private static HeadGrid grid(HeadScores scores) {
        return new HeadGrid(scores.copy());
    }
}
