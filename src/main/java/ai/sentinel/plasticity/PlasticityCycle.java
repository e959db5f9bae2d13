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
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.CompositeListener;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.StepStats;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        HeadSchedule schedule = new HeadSchedule(model, config.schedule());
        schedule.grown(grown, 0);
        train("learning", c, config.learningSteps(), schedule);
        StageResult last = stage("final", c);
        return new CycleResult(c, baseline, afterPruning, afterGrowth, last, pruned, grown);
    }

    private List<HeadId> prune(int c, HeadMeasurements measured) {
        List<HeadId> active = activeHeads();
        int total = model.config().numLayers() * model.config().numHeads();
        int count = (int) Math.round(config.initialPruning() * active.size());
        PruningStrategy strategy = config.pruning().create(config.seed() + c, config.entropyWeight(),
                config.gradientWeight());
        HeadScores priorities = strategy.priorities(measured);
        HeadRanking.Selection selection = new HeadRanking(1, config.maxPrunedFraction()).select(priorities, active,
                count, total, total - active.size(), config.seed() + c, strategy.samePerLayer());
        Pruner.prune(model, selection.chosen(), config.mode());
        for (HeadId h : selection.chosen()) {
            log.event(HeadMaps.pruneEvent(c, step, h, config, priorities, measured));
        }
        if (!selection.tiesAtCut().isEmpty()) {
            log.event(HeadMaps.tiesEvent(c, step, selection.tiesAtCut()));
        }
        return selection.chosen();
    }

    private List<HeadId> grow(int c, int prunedThisCycle, HeadScores importance) {
        Set<HeadId> candidates = new LinkedHashSet<>(allHeads());
        candidates.removeAll(activeHeads());
        if (candidates.isEmpty() || config.growthRatio() == 0) {
            return List.of();
        }
        int count = Math.min(candidates.size(), Math.max(1, (int) Math.round(config.growthRatio() * prunedThisCycle)));
        CandidateProbe.Measured probe = CandidateProbe.measure(model, candidates, meter, config.seed() + c);
        Map<Integer, Integer> activePerLayer = new HashMap<>();
        for (int l = 0; l < model.config().numLayers(); l++) {
            activePerLayer.put(l, 0);
        }
        activeHeads().forEach(h -> activePerLayer.merge(h.layer(), 1, Integer::sum));
        List<HeadId> ranked = config.growth().strategy().rank(new GrowthInputs(candidates, probe.atZeroGate(),
                probe.atFullGate(), activePerLayer, config.seed() + c));
        List<HeadId> chosen = List.copyOf(ranked.subList(0, count));
        Grower.grow(model, chosen, config.init(), config.schedule().gate(0), config.initialScale(), importance,
                config.seed() + c);
        for (int rank = 0; rank < chosen.size(); rank++) {
            log.event(HeadMaps.growEvent(c, step, chosen.get(rank), rank, config, probe));
        }
        return chosen;
    }

    private void train(String phase, int c, int steps, HeadSchedule schedule) throws IOException {
        if (steps == 0) {
            return;
        }
        CycleConfig.Training t = config.training();
        TrainConfig trainConfig = new TrainConfig(steps, t.batchSize(),
                new LrSchedule(t.learningRate(), Math.min(t.warmupSteps(), steps), steps, LrSchedule.Decay.COSINE,
                        0.1f), AdamWConfig.defaults(), t.gradClip(), 0, t.evalBatches(), 0, config.seed() + c, false);
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

    private List<HeadId> allHeads() {
        List<HeadId> heads = new ArrayList<>();
        for (int l = 0; l < model.config().numLayers(); l++) {
            for (int h = 0; h < model.config().numHeads(); h++) {
                heads.add(new HeadId(l, h));
            }
        }
        return heads;
    }

    private List<HeadId> activeHeads() {
        return allHeads().stream().filter(h -> !model.gates().isMasked(h)).toList();
    }
}
