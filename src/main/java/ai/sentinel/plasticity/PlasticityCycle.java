package ai.sentinel.plasticity;

import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.train.CompositeListener;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.StepStats;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The neural plasticity cycle: optional initial training, then per cycle baseline → prune → measure → grow → learn
 * → evaluate. Every number it logs is measured on the model at that moment; every decision is logged with the
 * scores that made it.
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
    private final Sampler sampler;
    private final StageSaver saver;
    private final StepListener progress;
    private final HeadMeter meter;
    private final Evaluator evaluator;
    private long step;

    public PlasticityCycle(CausalLm model, TextDataset data, CycleConfig config, RunLog log, Sampler sampler,
            StageSaver saver, StepListener progress) {
        this.model = model;
        this.data = data;
        this.config = config;
        this.log = log;
        this.sampler = sampler;
        this.saver = saver;
        this.progress = progress;
        this.meter = new HeadMeter(data.validation(), config.training().batchSize(), config.metricBatches());
        this.evaluator = new Evaluator(data.validation(), config.training().batchSize(),
                config.training().evalBatches());
    }

    public List<CycleResult> run() throws IOException {
        if (config.initialTrainingSteps() > 0) {
            stage(Stage.INITIAL, 0);
            train(TrainingPhase.INITIAL_TRAINING, 0, config.initialTrainingSteps(),
                    new HeadSchedule(model, config.schedule()));
        }
        List<CycleResult> results = new ArrayList<>();
        for (int c = 1; c <= config.cycles(); c++) {
            results.add(cycle(c));
            log.writeJson(RunLog.SUMMARY, RunEventJson.summary(results));
        }
        return results;
    }

    private CycleResult cycle(int c) throws IOException {
        StageResult baseline = stage(Stage.BASELINE, c);
        HeadMeasurements measured = meter.measure(model, MaskedHeads.AS_IS);
        log.write(new RunEvent.Measurements(c, step, grid(measured.entropy()), grid(measured.normalizedEntropy()),
                grid(measured.gradientNorm()), grid(measured.magnitude()), grid(measured.importance())));
        List<HeadId> pruned = prune(c, measured);
        StageResult afterPruning = stage(Stage.PRUNED, c);
        List<HeadId> grown = grow(c, pruned.size(), measured.importance());
        StageResult afterGrowth = stage(Stage.GROWN, c);
        HeadSchedule schedule = new HeadSchedule(model, config.schedule());
        schedule.grown(grown, 0);
        train(TrainingPhase.LEARNING, c, config.learningSteps(), schedule);
        StageResult last = stage(Stage.FINAL, c);
        return new CycleResult(c, baseline, afterPruning, afterGrowth, last, pruned, grown);
    }

    private List<HeadId> prune(int c, HeadMeasurements measured) {
        Plasticity.Pruned pruned = Plasticity.prune(model, measured, new PruneRequest(config.pruning(),
                config.initialPruning(), config.mode(), config.maxPrunedFraction(), config.entropyWeight(),
                config.gradientWeight(), config.normalizeImportance(), config.seed() + c));
        pruned.events(c, step).forEach(log::write);
        return pruned.heads();
    }

    private List<HeadId> grow(int c, int prunedThisCycle, HeadScores importance) {
        int count = config.growthRatio() == 0 || prunedThisCycle == 0 && Plasticity.activeHeads(model).size()
                == Plasticity.allHeads(model).size() ? 0 : Math.max(1, (int) Math.round(config.growthRatio()
                        * prunedThisCycle));
        Plasticity.Grown grown = Plasticity.grow(model, meter, new GrowRequest(config.growth(), count, config.init(),
                config.schedule().gate(0), config.initialScale(), config.seed() + c), importance);
        grown.events(c, step).forEach(log::write);
        return grown.heads();
    }

    private void train(TrainingPhase phase, int c, int steps, HeadSchedule schedule) throws IOException {
        if (steps == 0) {
            return;
        }
        CycleConfig.Training t = config.training();
        TrainConfig trainConfig = TrainConfig.cosine(steps, t.batchSize(), t.learningRate(),
                Math.min(t.warmupSteps(), steps), t.evalBatches(), config.seed() + c);
        long start = step;
        // every 10th step, but about 30 points in a short phase (a 40-step phase logged 4 and drew no curve)
        long every = Math.max(1, Math.min(10, steps / 30));
        StepListener metrics = new StepListener() {
            @Override
            public void onStep(StepStats s) {
                if (s.step() % every == 0 || s.step() == s.totalSteps()) {
                    log.write(new RunEvent.StepMetrics(phase, c, start + s.step(), s.loss(), s.learningRate(),
                            model.gates().numActive(), model.numParameters(), s.tokensPerSecond()));
                }
            }
        };
        try (Trainer trainer = new Trainer(model, data, trainConfig, CompositeListener.of(progress, metrics))) {
            trainer.addHook(schedule);
            trainer.run(log.folder().resolve("checkpoints").resolve(phase.key() + "-" + c), folder -> {});
        }
        step += steps;
    }

    private StageResult stage(Stage stage, int c) throws IOException {
        EvalResult eval = evaluator.evaluate(model);
        StageResult result = new StageResult(stage, c, step, eval.loss(),
                Arrays.stream(eval.sequenceLosses()).boxed().toList(), model.gates().numActive(),
                model.numParameters(), sampler.samples(model));
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
        return new RunEvent.HeadMap(stage, c, step, new HeadGrid(m), new HeadGrid(g), new HeadGrid(p));
    }

    private static HeadGrid grid(HeadScores scores) {
        return new HeadGrid(scores.copy());
    }
}
