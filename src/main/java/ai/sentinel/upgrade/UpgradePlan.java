package ai.sentinel.upgrade;

import ai.sentinel.data.Batch;
import ai.sentinel.data.BatchSampler;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.Json;
import ai.sentinel.model.CausalLm;
import ai.sentinel.plasticity.DegenerationProbe;
import ai.sentinel.report.Plural;
import ai.sentinel.tokenizer.Tokenizer;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.TrainingStep;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code upgrade --dry-run} writes to {@code plan.json} and prints ({@link #describe}): the
 * cycles, the heads each stage would leave (at the full amount of the first proposal), the steps,
 * and the time and memory they would take, estimated from three timed training steps, one timed
 * evaluation and one timed degeneration probe on this machine. The model is trained by those three
 * steps only in a copy of the optimizer's view: its weights are put back afterwards.
 */
public record UpgradePlan(
        int cycles,
        List<Stage> stages,
        int trainingStepsPerCycle,
        double secondsPerTrainingStep,
        double secondsPerEvaluation,
        double secondsPerDegenerationProbe,
        double estimatedSeconds,
        double peakResidentGigabytes,
        UpgradeConfig config) {

    /** Heads active after a stage of the first cycle. */
    public record Stage(String name, int activeHeads) {}

    public static UpgradePlan measure(
            CausalLm model, Tokenizer tokenizer, TextDataset data, Upgrade.Settings s)
            throws IOException {
        UpgradeConfig config = s.config();
        Proposal first = new ProposalBandit(config).propose().orElseThrow();
        int active = model.gates().numActive();
        int pruned = (int) Math.round(first.pruneFraction() * active);
        int grown = (int) Math.round(first.growthRatio() * pruned);
        List<Stage> stages =
                List.of(
                        new Stage("start", active),
                        new Stage("pruned (" + first.describe() + ")", active - pruned),
                        new Stage("grown", active - pruned + grown));
        double stepSeconds = timeTrainingSteps(model, data, s, 3);
        long t0 = System.nanoTime();
        new Evaluator(data.validation(), s.batchSize(), s.evalBatches()).evaluate(model);
        double evalSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        DegenerationProbe.withDefaults().measure(model, tokenizer);
        double probeSeconds = (System.nanoTime() - t0) / 1e9;
        // per cycle: 4 evaluations (start, pruned, grown, final), 2 probes, head measurements
        // (about
        // 3 evaluation-sized passes with backward), the learning; plus the baseline and final ones
        double perCycle =
                config.plasticity().trainingSteps() * stepSeconds
                        + 4 * evalSeconds
                        + 2 * probeSeconds
                        + 3 * evalSeconds * s.metricBatches() / Math.max(1, s.evalBatches()) * 3;
        double total = config.cycles() * perCycle + 2 * (evalSeconds + probeSeconds);
        return new UpgradePlan(
                config.cycles(),
                stages,
                config.plasticity().trainingSteps(),
                stepSeconds,
                evalSeconds,
                probeSeconds,
                total,
                peakResidentBytes() / 1e9,
                config);
    }

    public JsonObject toJson() {
        return Json.toJsonTree(this);
    }

    /** The plan as a person reads it: the numbers of {@code plan.json}, one line per subject. */
    public String describe(String model, String dataset) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Plan: upgrade %s on %s%n", model, dataset));
        s.append(
                String.format(
                        Locale.ROOT,
                        "  %s of %s each, %s controller%n",
                        Plural.of(cycles, "cycle"),
                        Plural.of(trainingStepsPerCycle, "learning step"),
                        config.controller().type().name().toLowerCase(Locale.ROOT)));
        s.append("  heads in the first cycle: ")
                .append(
                        String.join(
                                " → ",
                                stages.stream()
                                        .map(st -> st.name() + " " + st.activeHeads())
                                        .toList()))
                .append(System.lineSeparator());
        s.append(
                String.format(
                        Locale.ROOT,
                        "  measured here: %.3f s per training step, %.3f s per evaluation, %.3f s"
                                + " per degeneration probe%n",
                        secondsPerTrainingStep,
                        secondsPerEvaluation,
                        secondsPerDegenerationProbe));
        s.append(
                String.format(
                        Locale.ROOT,
                        "  estimated time: %s; peak memory so far %.2f GB%n",
                        duration(estimatedSeconds),
                        peakResidentGigabytes));
        return s.toString();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return "about " + Plural.of(Math.max(1, s), "second");
        }
        long minutes = Math.round(seconds / 60);
        return minutes < 120
                ? "about " + Plural.of(minutes, "minute")
                : String.format(Locale.ROOT, "about %.1f hours", seconds / 3600);
    }

    /** Median of {@code n} training steps at the upgrade's rate; the weights are restored after. */
    private static double timeTrainingSteps(
            CausalLm model, TextDataset data, Upgrade.Settings s, int n) {
        s.trained().applyTo(model);
        List<float[]> saved = new ArrayList<>(); // only trained weights change
        model.trainableParameters().forEach(p -> saved.add(p.value().toFloatArray()));
        double[] seconds = new double[n];
        try (AdamW optimizer =
                        new AdamW(
                                model.trainableParameters(),
                                AdamWConfig.defaults(),
                                model.manager());
                TrainingStep step = new TrainingStep(model, optimizer, 1f, s.microBatch())) {
            BatchSampler sampler =
                    new BatchSampler(
                            data.train(), s.batchSize(), s.seed(), new BatchSampler.Position(0, 0));
            for (int i = 0; i < n; i++) {
                Batch batch = sampler.next();
                long t0 = System.nanoTime();
                step.apply(batch, (float) s.config().learningRate(), i);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        for (int i = 0; i < saved.size(); i++) {
            var p = model.trainableParameters().get(i);
            try (var v =
                    ai.sentinel.nn.EngineArrays.of(
                            model.manager(), saved.get(i), p.value().getShape())) {
                p.value().set(new ai.djl.ndarray.index.NDIndex("..."), v);
            }
        }
        java.util.Arrays.sort(seconds);
        return seconds[n / 2];
    }

    /** VmHWM of this process (Linux), 0 where /proc is absent. */
    private static long peakResidentBytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
