package ai.sentinel.cli;

import ai.sentinel.io.OutputFolder;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.plasticity.Plasticity;
import ai.sentinel.plasticity.PruneRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Measure the heads of a model on a dataset, prune the weakest, and save the pruned model and"
                        + " events.jsonl into --out.",
        footer = {
            "",
            "Example:",
            "  sentinel prune -m runs/nano/model --pruning-strategy"
                    + " magnitude --fraction 0.25 --pruning-mode compressed -o runs/pruned"
        })
final class PruneCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin PruningOptions pruning;

    @Option(
            names = {"--fraction", "--initial-pruning"},
            defaultValue = "0.3",
            description =
                    "Fraction of the active heads to prune, in [0, 1). Default: ${DEFAULT-VALUE}.")
    double fraction;

    @Mixin CommonOptions.MetricBatches metricBatches;
    @Mixin CommonOptions.BatchSize batchSize = CommonOptions.BatchSize.measuring();
    @Mixin CommonOptions.Output output;
    @Mixin CommonOptions.Seed seed;

    @Override
    public Integer call() throws IOException {
        PruneRequest request = pruning.request(fraction, seed.seed);
        try (OutputFolder.Held held = output.claim(model)) {
            Path out = held.folder();
            try (Workbench bench = new Workbench(model, data, seed.seed)) {
                long before = bench.model.numParameters();
                HeadMeasurements m =
                        bench.meter(batchSize.batchSize, metricBatches.metricBatches)
                                .measure(
                                        bench.model, MaskedHeads.AS_IS, new ProgressBar("measure"));
                Plasticity.Pruned pruned = Plasticity.prune(bench.model, m, request);
                bench.save(out);
                Events.write(out, pruned.events(0, 0));
                System.out.printf(
                        "pruned %d heads (%s): %d active, %,d → %,d parameters; saved to %s%n",
                        pruned.heads().size(),
                        pruning.mode.name().toLowerCase(),
                        bench.model.gates().numActive(),
                        before,
                        bench.model.numParameters(),
                        out);
            }
            return 0;
        }
    }
}
