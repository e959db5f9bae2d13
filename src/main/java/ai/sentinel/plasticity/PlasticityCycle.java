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
            stage("initial", 0);
            train("initial_training", 0, config.initialTrainingSteps(), new HeadSchedule(model, config.schedule()));
        }
        List<CycleResult> results = new ArrayList<>();
        for (int c = 1; c <= config.cycles(); c++) {
            results.add(cycle(c));
            log.writeJson(RunLog.SUMMARY, HeadMaps.summary(results));
        }
        return results;
    }

    private CycleResult cycle(int c) throws IOException {
        StageResult baseline = stage("baseline", c);
        HeadMeasurements measured = meter.measure(model, MaskedHeads.AS_IS);
        log.heads(HeadMaps.measurements(c, step, measured));
        List<HeadId> pruned = prune(c, measured);
        StageResult afterPruning = stage("pruned", c);
        List<HeadId> grown = grow(c, pruned.size(), measured.importance());
        StageResult afterGrowth = stage("grown", c);
        HeadSchedule schedule = new HeadSchedule(model, config.learningSchedule());
        schedule.grown(grown, 0);
        train("learning", c, config.learningSteps(), schedule);
        schedule.setGates(config.learningSteps());
        StageResult last = stage("final", c);
        return new CycleResult(c, baseline, afterPruning, afterGrowth, last, pruned, grown);
    }

    private List<HeadId> prune(int c, HeadMeasurements measured) {
        Plasticity.Pruned pruned = Plasticity.prune(model, measured, new PruneRequest(config.pruning(),
                config.initialPruning(), config.mode(), config.maxPrunedFraction(), config.entropyWeight(),
                config.gradientWeight(), config.normalizeImportance(), config.seed() + c), c, step);
        pruned.events().forEach(log::event);
        return pruned.heads();
    }

    private List<HeadId> grow(int c, int prunedThisCycle, HeadScores importance) {
        int count = config.growthRatio() == 0 || prunedThisCycle == 0 && Plasticity.activeHeads(model).size()
                == Plasticity.allHeads(model).size() ? 0 : Math.max(1, (int) Math.round(config.growthRatio()
                        * prunedThisCycle));
        Plasticity.Grown grown = Plasticity.grow(model, meter, new GrowRequest(config.growth(), count, config.init(),
                config.schedule().gate(0), config.initialScale(), config.seed() + c), importance, c, step);
        grown.events().forEach(log::event);
        return grown.heads();
    }

    private void train(String phase, int c, int steps, HeadSchedule schedule) throws IOException {
        if (steps == 0) {
            return;
        }
        CycleConfig.Training t = config.training();
        TrainConfig trainConfig = TrainConfig.cosine(steps, t.batchSize(), t.learningRate(),
                Math.min(t.warmupSteps(), steps), t.evalBatches(), config.seed() + c);
        long start = step;
        StepListener metrics = new StepListener() {
            @Override
            public void onStep(StepStats s) {
                if (s.step() % 10 == 0 || s.step() == s.totalSteps()) {
                    log.metric(HeadMaps.stepLine(phase, c, start + s.step(), s, model));
                }
            }
        };
        try (Trainer trainer = new Trainer(model, data, trainConfig, CompositeListener.of(progress, metrics))) {
            trainer.addHook(schedule);
            trainer.run(log.folder().resolve("checkpoints").resolve(phase + "-" + c), folder -> {});
        }
        step += steps;
    }

    private StageResult stage(String name, int c) throws IOException {
        long t0 = System.nanoTime();
        EvalResult eval = evaluator.evaluate(model);
        double seconds = (System.nanoTime() - t0) / 1e9;
        StageResult result = new StageResult(name, c, step, eval.loss(), eval.perplexity(),
                model.gates().numActive(), model.numParameters(), eval.tokens() / seconds, sampler.samples(model));
        log.metric(HeadMaps.stageLine(result));
        log.heads(HeadMaps.headState(name, c, step, model));
        saver.save(model, c == 0 ? name : "cycle" + c + "-" + name);
        return result;
    }
}
