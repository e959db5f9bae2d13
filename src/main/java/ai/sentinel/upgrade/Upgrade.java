package ai.sentinel.upgrade;

import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.io.JsonlFiles;
import ai.sentinel.io.JsonlWriter;
import ai.sentinel.io.ProcessMemory;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.CycleConfig;
import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.DegenerationProbe;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.PlasticityCycle;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunLog;
import ai.sentinel.tokenizer.Tokenizer;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.Trainable;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code sentinel upgrade}: controller-guided plasticity cycles with safety limits and rollback.
 * Each cycle: evaluate → the {@link ProposalBandit} proposes a transformation → one {@link
 * PlasticityCycle} (measure, prune adaptively, measure perplexity and degeneration, grow
 * function-preserving with warm-up, learn with the configured controller acting) → evaluate →
 * accept, or restore the cycle's start bit for bit ({@link CycleStart}) and record why.
 *
 * <p>The output folder holds {@code state/} (the next cycle's start and {@value #STATE_FILE}, one
 * atomic folder, rewritten after every cycle so that {@code --resume} continues from the last
 * completed cycle), {@code cycles/cycle-N/} (each cycle's own run logs), {@code
 * metrics/integration_metrics.jsonl} and {@code events.jsonl}.
 */
public final class Upgrade {
    static final String STATE = "state";
    static final String STATE_FILE = "upgrade_state.json";
    static final String METRICS = "metrics/integration_metrics.jsonl";
    static final String EVENTS = "events.jsonl";
    static final String MOMENTS_SPILL = "optimizer-moments.spill.safetensors";

    /**
     * Run settings beside the configuration: how batches are cut and measured, the seed, which
     * parameters learning updates, and how many rows of a batch each training pass takes (0: all;
     * fewer need less memory for the same update).
     */
    public record Settings(
            UpgradeConfig config,
            int batchSize,
            int evalBatches,
            int metricBatches,
            int warmupSteps,
            long seed,
            Trainable trained,
            int microBatch) {}

    /** Where a run is: which cycle and phase, for a progress display. */
    public interface Listener {
        void phase(int cycle, int cycles, String phase);

        Listener NONE = (cycle, cycles, phase) -> {};
    }

    /** The model as measured before the first and after the last cycle. */
    public record Measured(
            double perplexity,
            int activeHeads,
            long parameters,
            double degeneration,
            List<String> continuations) {}

    /** What the run did. */
    public record Result(Measured before, Measured after, List<CycleOutcome> outcomes) {}

    /** The persisted progress: the baseline and every completed cycle, with the logs' lengths. */
    record State(
            Measured before, List<CycleOutcome> outcomes, long metricsBytes, long eventsBytes) {}

    private final CausalLm model;
    private final Tokenizer tokenizer;
    private final TextDataset data;
    private final Settings settings;
    private final Path out;
    private final Listener listener;
    private final StepListener steps;
    private final Evaluator evaluator;
    private final DegenerationProbe degeneration = DegenerationProbe.withDefaults();
    private final AdamW optimizer;
    // the live model's measurements while known (restoring a cycle's start is bit-exact, so they
    // hold across a rollback): no unchanged model is evaluated or probed twice
    private EvalResult evaluationNow;
    private Measured measuredNow;

    public Upgrade(
            CausalLm model,
            Tokenizer tokenizer,
            TextDataset data,
            Settings settings,
            Path out,
            Listener listener,
            StepListener steps) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.data = data;
        this.settings = settings;
        this.out = out;
        this.listener = listener;
        this.steps = steps;
        this.evaluator =
                new Evaluator(data.validation(), settings.batchSize(), settings.evalBatches());
        settings.trained().applyTo(model);
        this.optimizer =
                new AdamW(model.trainableParameters(), AdamWConfig.defaults(), model.manager());
    }

    /** Whether {@code out} holds a state an upgrade can resume from. */
    public static boolean canResume(Path out) throws IOException {
        AtomicFiles.recoverFolder(out.resolve(STATE));
        return Files.isRegularFile(out.resolve(STATE).resolve(STATE_FILE));
    }

    /**
     * Runs every cycle; with {@code resume}, continues from the last completed one. Call once: the
     * optimizer is released at the end.
     */
    public Result run(boolean resume) throws IOException {
        UpgradeConfig config = settings.config();
        int cycles = config.cycles();
        State state;
        if (resume) {
            AtomicFiles.recoverFolder(out.resolve(STATE)); // a kill during the last save
            state = readState();
            CycleStart.restore(out.resolve(STATE), model, optimizer);
            optimizer.spill(out.resolve(MOMENTS_SPILL));
            JsonlFiles.truncate(out.resolve(METRICS), state.metricsBytes());
            JsonlFiles.truncate(out.resolve(EVENTS), state.eventsBytes());
        } else {
            Files.createDirectories(out.resolve(METRICS).getParent());
            Files.deleteIfExists(out.resolve(METRICS));
            Files.deleteIfExists(out.resolve(EVENTS));
            listener.phase(0, cycles, "baseline");
            long t0 = System.nanoTime();
            Measured before = measure(config.runInference(), true);
            metric(
                    0,
                    "baseline",
                    (System.nanoTime() - t0) / 1e9,
                    before.perplexity(),
                    before.activeHeads(),
                    before.degeneration(),
                    null);
            state = new State(before, List.of(), size(METRICS), size(EVENTS));
            saveState(state, true);
        }
        ProposalBandit bandit = new ProposalBandit(config);
        state.outcomes().forEach(bandit::record);
        List<CycleOutcome> outcomes = new ArrayList<>(state.outcomes());
        double current = lastAcceptedPerplexity(state.before(), outcomes);
        RollbackLimits limits =
                new RollbackLimits(config.plasticity(), state.before().degeneration());
        for (int c = outcomes.size() + 1; c <= cycles; c++) {
            Optional<Proposal> proposal = bandit.propose();
            if (proposal.isEmpty()) {
                break; // every proposal of the grid was rolled back
            }
            CycleOutcome outcome = cycle(c, proposal.get(), current, limits);
            bandit.record(outcome);
            outcomes.add(outcome);
            if (outcome.accepted()) {
                current = outcome.perplexityAfter();
            }
            state = new State(state.before(), outcomes, size(METRICS), size(EVENTS));
            // one atomic write: the progress and, when the cycle was kept, the next cycle's start
            saveState(state, outcome.accepted());
        }
        listener.phase(cycles, cycles, "final evaluation");
        long t0 = System.nanoTime();
        Measured after = measuredNow != null ? measuredNow : measure(config.runInference(), false);
        metric(
                cycles,
                "final",
                (System.nanoTime() - t0) / 1e9,
                after.perplexity(),
                after.activeHeads(),
                after.degeneration(),
                null);
        optimizer.close(); // the state folder holds what a resume needs; this frees the spill
        return new Result(state.before(), after, outcomes);
    }

    private CycleOutcome cycle(
            int c, Proposal proposal, double perplexityBefore, RollbackLimits limits)
            throws IOException {
        UpgradeConfig config = settings.config();
        int cycles = config.cycles();
        long started = System.nanoTime();
        int activeBefore = model.gates().numActive();
        CycleConfig cycleConfig =
                CycleConfig.builder()
                        .cycles(1)
                        .initialTrainingSteps(0)
                        .learningSteps(config.plasticity().trainingSteps())
                        .initialPruning(proposal.pruneFraction())
                        .growthRatio(proposal.growthRatio())
                        .pruning(proposal.pruning())
                        .growth(proposal.growth())
                        .mode(PruneMode.ADAPTIVE)
                        .init(GrowthInit.FUNCTION_PRESERVING)
                        .schedule(GrowthSchedule.defaults())
                        .training(
                                new CycleConfig.Training(
                                                settings.batchSize(),
                                                (float) config.learningRate(),
                                                Math.min(
                                                        settings.warmupSteps(),
                                                        config.plasticity().trainingSteps()),
                                                settings.evalBatches())
                                        .withMicroBatch(settings.microBatch()))
                        .metricBatches(settings.metricBatches())
                        .sampleTokens(0)
                        .seed(settings.seed() + c)
                        .build();
        Path folder = out.resolve("cycles").resolve("cycle-" + c);
        double[] degenerationAt = {Double.NaN, Double.NaN}; // pruned, final
        DegenerationProbe.Result[] probeAtEnd = new DegenerationProbe.Result[1];
        long[] ends = new long[4]; // when the pruned, grown and final stages were done: [1..3]
        // the memory at those ends: the lines are written after the cycle, when the run's peak
        // so far would already include learning
        ProcessMemory[] memoryAt = new ProcessMemory[4];
        List<CycleResult> results;
        try (RunLog log = new RunLog(folder)) {
            log.writeJson(RunLog.CONFIG, Json.toJsonTree(cycleConfig).getAsJsonObject());
            PlasticityCycle cycle =
                    new PlasticityCycle(
                                    model,
                                    data,
                                    cycleConfig,
                                    log,
                                    lm -> List.of(),
                                    (lm, stage) -> {
                                        listener.phase(c, cycles, phaseAfter(stage));
                                        if (stage.endsWith("pruned")) {
                                            degenerationAt[0] = degenerationScore();
                                            ends[1] = System.nanoTime();
                                            memoryAt[1] = memoryNow();
                                        } else if (stage.endsWith("grown")) {
                                            ends[2] = System.nanoTime();
                                            memoryAt[2] = memoryNow();
                                        } else if (stage.endsWith("final")) {
                                            probeAtEnd[0] = degeneration.measure(model, tokenizer);
                                            degenerationAt[1] = probeAtEnd[0].report().score();
                                            ends[3] = System.nanoTime();
                                            memoryAt[3] = memoryNow();
                                        }
                                    },
                                    steps)
                            .withOptimizer(optimizer);
            controllerFactory().ifPresent(cycle::withController);
            cycle.withMomentsSpilledTo(out.resolve(MOMENTS_SPILL));
            cycle.withoutResumeState(); // a resumed upgrade restarts the cycle from state/
            if (evaluationNow != null) {
                cycle.withStartEvaluation(evaluationNow);
            }
            listener.phase(c, cycles, "proposal: " + proposal.describe());
            results = cycle.run();
        }
        CycleResult r = results.get(0);
        double perplexityPruned = Math.exp(r.pruned().loss());
        double perplexityAfter = Math.exp(r.last().loss());
        // measure + prune (with the start's evaluation and the degeneration probe), grow, learn
        metric(
                c,
                "pruned",
                (ends[1] - started) / 1e9,
                perplexityPruned,
                r.pruned().activeHeads(),
                degenerationAt[0],
                null,
                memoryAt[1]);
        metric(
                c,
                "grown",
                (ends[2] - ends[1]) / 1e9,
                Math.exp(r.grown().loss()),
                r.grown().activeHeads(),
                null,
                null,
                memoryAt[2]);
        metric(
                c,
                "learned",
                (ends[3] - ends[2]) / 1e9,
                perplexityAfter,
                r.last().activeHeads(),
                degenerationAt[1],
                null,
                memoryAt[3]);
        String reason = limits.verdict(perplexityBefore, perplexityAfter, degenerationAt[1]);
        boolean accepted = reason.equals(RollbackLimits.ACCEPTED);
        int activeAfter = model.gates().numActive();
        if (accepted) {
            if (evaluationNow != null) { // unknown after a resume until the model is evaluated
                evaluationNow =
                        new EvalResult(
                                r.last().loss(),
                                evaluationNow.tokens(),
                                r.last().sequenceLosses().stream().mapToDouble(d -> d).toArray());
            }
            measuredNow = measured(perplexityAfter, probeAtEnd[0], config.runInference());
        } else {
            listener.phase(c, cycles, "rolling back");
            CycleStart.restore(out.resolve(STATE), model, optimizer);
            optimizer.spill(out.resolve(MOMENTS_SPILL)); // not needed until the next learning
        }
        copyEvents(folder, c, accepted);
        metric(
                c,
                accepted ? "accepted" : "rolled_back",
                (System.nanoTime() - ends[3]) / 1e9,
                accepted ? perplexityAfter : perplexityBefore,
                model.gates().numActive(),
                null,
                reason);
        return new CycleOutcome(
                c,
                proposal,
                perplexityBefore,
                perplexityPruned,
                perplexityAfter,
                degenerationAt[0],
                degenerationAt[1],
                activeBefore,
                activeAfter,
                model.config().numLayers() * model.config().numHeads(),
                r.prunedHeads().stream().map(HeadId::toString).toList(),
                r.grownHeads().stream().map(HeadId::toString).toList(),
                accepted,
                reason,
                (System.nanoTime() - started) / 1e9);
    }

    private static String phaseAfter(String stage) {
        if (stage.endsWith("baseline")) {
            return "measure heads and prune";
        } else if (stage.endsWith("pruned")) {
            return "measure degeneration, grow";
        } else if (stage.endsWith("grown")) {
            return "learn";
        }
        return "evaluate";
    }

    private Optional<ControllerFactory> controllerFactory() {
        return UpgradeControllers.factory(settings.config().controller(), settings.batchSize());
    }

    private double degenerationScore() {
        return degeneration.measure(model, tokenizer).report().score();
    }

    /**
     * Evaluates and probes the live model; it is then known ({@code remember}) until it changes.
     */
    private Measured measure(boolean withContinuations, boolean remember) {
        // no evaluation speed: the baseline, measured first in the process, paid for warm-up
        // (issue 22: 46,884 -> 134,753 tokens/s for a masked model whose compute had not changed)
        EvalResult eval = evaluator.evaluate(model);
        Measured m =
                measured(
                        eval.perplexity(),
                        degeneration.measure(model, tokenizer),
                        withContinuations);
        if (remember) {
            evaluationNow = eval;
            measuredNow = m;
        }
        return m;
    }

    private Measured measured(
            double perplexity, DegenerationProbe.Result probe, boolean withContinuations) {
        return new Measured(
                perplexity,
                model.gates().numActive(),
                model.numParameters(),
                probe.report().score(),
                withContinuations
                        ? probe.continuations().stream()
                                .map(DegenerationProbe.Continuation::text)
                                .toList()
                        : List.of());
    }

    private static double lastAcceptedPerplexity(Measured before, List<CycleOutcome> outcomes) {
        double current = before.perplexity();
        for (CycleOutcome o : outcomes) {
            if (o.accepted()) {
                current = o.perplexityAfter();
            }
        }
        return current;
    }

    /** One line of metrics/integration_metrics.jsonl, with the memory now. */
    private void metric(
            int cycle,
            String phase,
            double seconds,
            double perplexity,
            int active,
            Double degeneration,
            String note)
            throws IOException {
        metric(cycle, phase, seconds, perplexity, active, degeneration, note, memoryNow());
    }

    /**
     * Where the memory goes: the resident set at the phase's end (what it still holds, not what
     * glibc kept of what it freed), the run's peak so far, the heap; null where not known.
     */
    private static ProcessMemory memoryNow() {
        ProcessMemory.releaseFreed();
        return ProcessMemory.now().orElse(null);
    }

    /** One line of metrics/integration_metrics.jsonl, with the memory at the phase's end. */
    private void metric(
            int cycle,
            String phase,
            double seconds,
            double perplexity,
            int active,
            Double degeneration,
            String note,
            ProcessMemory memory)
            throws IOException {
        if (!settings.config().logMetrics()
                && !phase.equals("baseline")
                && !phase.equals("final")) {
            return;
        }
        JsonObject line = new JsonObject();
        line.addProperty("cycle", cycle);
        line.addProperty("seconds", seconds); // the phase's wall time
        line.addProperty("phase", phase);
        line.addProperty("perplexity", perplexity);
        line.addProperty("active_heads", active);
        if (degeneration != null && Double.isFinite(degeneration)) {
            line.addProperty("degeneration_score", degeneration);
        }
        if (note != null) {
            line.addProperty("reason", note);
        }
        if (memory != null) {
            line.addProperty("rss_bytes", memory.rssBytes());
            line.addProperty("peak_rss_bytes", memory.peakRssBytes());
            line.addProperty("heap_used_bytes", memory.heapUsedBytes());
            line.addProperty("heap_committed_bytes", memory.heapCommittedBytes());
        }
        try (JsonlWriter w = new JsonlWriter(out.resolve(METRICS), true)) {
            w.write(line);
        }
    }

    /** The cycle's head decisions, each marked with its cycle and whether the cycle was kept. */
    private void copyEvents(Path cycleFolder, int c, boolean accepted) throws IOException {
        Path events = cycleFolder.resolve(RunLog.EVENTS);
        if (!Files.exists(events)) {
            return;
        }
        try (JsonlWriter w = new JsonlWriter(out.resolve(EVENTS), true)) {
            for (String line : Files.readAllLines(events)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                o.addProperty("upgrade_cycle", c);
                o.addProperty("cycle_accepted", accepted);
                w.write(o);
            }
        }
    }

    private long size(String file) throws IOException {
        Path p = out.resolve(file);
        return Files.exists(p) ? Files.size(p) : 0;
    }

    /**
     * Replaces {@code state/} atomically: the progress, and the model and optimizer as they are now
     * ({@code newStart}) or as the folder already held them.
     */
    private void saveState(State state, boolean newStart) throws IOException {
        AtomicFiles.replaceFolder(
                out.resolve(STATE),
                tmp -> {
                    if (newStart) {
                        CycleStart.write(tmp, model, optimizer);
                    } else {
                        copyStart(out.resolve(STATE), tmp);
                    }
                    Json.write(tmp.resolve(STATE_FILE), Json.toJsonTree(state));
                });
    }

    /**
     * The unchanged start into the new state folder: hard links where the file system has them (the
     * files are never written in place, only replaced whole, and a model's start is gigabytes),
     * copies otherwise.
     */
    private static void copyStart(Path from, Path to) throws IOException {
        Files.createDirectories(to.resolve(CycleStart.MODEL));
        try (var files = Files.list(from.resolve(CycleStart.MODEL))) {
            for (Path f : files.toList()) {
                linkOrCopy(f, to.resolve(CycleStart.MODEL).resolve(f.getFileName()));
            }
        }
        linkOrCopy(from.resolve(CycleStart.OPTIMIZER), to.resolve(CycleStart.OPTIMIZER));
    }

    private static void linkOrCopy(Path existing, Path link) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(existing, link);
        }
    }

    private State readState() throws IOException {
        return Json.fromJsonTree(
                Json.readObject(out.resolve(STATE).resolve(STATE_FILE)), State.class);
    }
}
