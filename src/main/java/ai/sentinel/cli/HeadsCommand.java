package ai.sentinel.cli;

import ai.sentinel.io.OutputFolder;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.report.HeadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "heads",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Measure every head of a model on a dataset: attention entropy (raw and normalised), gradient"
                        + " norm, magnitude and importance; print them, and with --out write heads.json and heat maps."
                        + " With grouped-query attention, gradient norm and magnitude are also shown split into the"
                        + " head's own slices (query rows, output columns) and its share of its group's key/value"
                        + " slices (divided among the group's present query heads).",
        footer = {"", "Example:", "  sentinel heads -m runs/nano/model --out runs/heads"})
final class HeadsCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;

    @Mixin CommonOptions.MetricBatches metricBatches;
    @Mixin CommonOptions.BatchSize batchSize = CommonOptions.BatchSize.measuring();

    @Option(
            names = "--lift-masks",
            description = "Measure masked heads with their mask lifted at gate 0.")
    boolean liftMasks;

    @Option(
            names = "--normalize-importance",
            description = "Show importance L2-normalised within each layer.")
    boolean normalizeImportance;

    @Mixin CommonOptions.Output output;
    @Mixin CommonOptions.Seed seed;

    @Override
    public Integer call() throws IOException {
        try (OutputFolder.Held held = output.out == null ? null : output.claim(null)) {
            Path out = held == null ? null : held.folder();
            try (Workbench bench = new Workbench(model, data, seed.seed)) {
                CausalLm lm = bench.model;
                HeadMeasurements measured =
                        bench.meter(batchSize.batchSize, metricBatches.metricBatches)
                                .measure(
                                        lm,
                                        liftMasks
                                                ? MaskedHeads.LIFTED_AT_ZERO_GATE
                                                : MaskedHeads.AS_IS,
                                        new ProgressBar("heads"));
                HeadMeasurements m =
                        normalizeImportance
                                ? measured.withImportanceNormalizedPerLayer()
                                : measured;
                if (m.kvShared()) {
                    printWithKvShares(lm, m);
                } else {
                    print(lm, m);
                }
                if (out != null) {
                    System.out.println("written: " + HeadReport.write(m, out).toAbsolutePath());
                }
            }
            return 0;
        }
    }

    private static void print(CausalLm lm, HeadMeasurements m) {
        System.out.println(
                "head    state    entropy  normalised  gradient-norm  magnitude  importance");
        for (HeadId h : m.magnitude().measured()) {
            System.out.printf(
                    "%-7s %-7s %8.4f  %10.4f  %13.5f  %9.4f  %10.6f%n",
                    h,
                    state(lm, h),
                    m.entropy().get(h),
                    m.normalizedEntropy().get(h),
                    m.gradientNorm().get(h),
                    m.magnitude().get(h),
                    m.importance().get(h));
        }
    }

    /** Grouped-query attention: each total also as own slices + key/value share. */
    private static void printWithKvShares(CausalLm lm, HeadMeasurements m) {
        System.out.println(
                "gradient norm and magnitude = own (query rows, output columns) + kv share (the group's"
                        + " key/value slices / its present query heads)");
        System.out.println(
                "head    state    entropy  normalised  gradient-norm   grad-own    grad-kv"
                        + "  magnitude   mag-own    mag-kv  importance");
        HeadScores gradientOwn = m.gradientNormOwn();
        HeadScores magnitudeOwn = m.magnitudeOwn();
        for (HeadId h : m.magnitude().measured()) {
            System.out.printf(
                    "%-7s %-7s %8.4f  %10.4f  %13.5f  %9.5f  %9.5f  %9.4f  %8.4f  %8.4f  %10.6f%n",
                    h,
                    state(lm, h),
                    m.entropy().get(h),
                    m.normalizedEntropy().get(h),
                    m.gradientNorm().get(h),
                    gradientOwn.get(h),
                    m.gradientNormKvShare().get(h),
                    m.magnitude().get(h),
                    magnitudeOwn.get(h),
                    m.magnitudeKvShare().get(h),
                    m.importance().get(h));
        }
    }

    private static String state(CausalLm lm, HeadId h) {
        return lm.gates().isMasked(h) ? "masked" : "active";
    }
}
