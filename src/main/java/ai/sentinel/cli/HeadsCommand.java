package ai.sentinel.cli;

import ai.sentinel.metrics.HeadMeasurements;
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
                        + " norm, magnitude and importance; print them, and with --out write heads.json and heat maps.",
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
        Path out = output.out == null ? null : output.folder();
        try (Workbench bench = new Workbench(model, data, seed.seed)) {
            CausalLm lm = bench.model;
            HeadMeasurements measured =
                    bench.meter(batchSize.batchSize, metricBatches.metricBatches)
                            .measure(
                                    lm,
                                    liftMasks ? MaskedHeads.LIFTED_AT_ZERO_GATE : MaskedHeads.AS_IS,
                                    new ProgressBar("heads"));
            HeadMeasurements m =
                    normalizeImportance ? measured.withImportanceNormalizedPerLayer() : measured;
            System.out.println(
                    "head    state    entropy  normalised  gradient-norm  magnitude  importance");
            for (HeadId h : m.magnitude().measured()) {
                System.out.printf(
                        "%-7s %-7s %8.4f  %10.4f  %13.5f  %9.4f  %10.6f%n",
                        h,
                        lm.gates().isMasked(h) ? "masked" : "active",
                        m.entropy().get(h),
                        m.normalizedEntropy().get(h),
                        m.gradientNorm().get(h),
                        m.magnitude().get(h),
                        m.importance().get(h));
            }
            if (out != null) {
                System.out.println("written: " + HeadReport.write(m, out).toAbsolutePath());
            }
        }
        return 0;
    }
}
