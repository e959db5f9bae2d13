package ai.sentinel.cli;

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

@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure the heads of a model on a dataset, prune the weakest, and save the pruned model.",
        footer = {"", "Example:", "  sentinel prune -m runs/nano/model --pruning-strategy"
                + " magnitude --fraction 0.25 --pruning-mode compressed -o runs/pruned"})
final class PruneCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin PruningOptions pruning;

    @Option(names = {"--fraction", "--initial-pruning"}, defaultValue = "0.3",
            description = "Fraction of the active heads to prune, in [0, 1). Default: ${DEFAULT-VALUE}.")
    double fraction;

    @Option(names = "--metric-batches", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int metricBatches;

    @Option(names = "--batch-size", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = {"-o", "--out"}, required = true, description = "Folder for the pruned model and events.jsonl.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws IOException {
        PruneRequest request = pruning.request(fraction, seed);
        try (Workbench bench = new Workbench(model, data, seed)) {
            long before = bench.model.numParameters();
            HeadMeasurements m = bench.meter(batchSize, metricBatches).measure(bench.model, MaskedHeads.AS_IS);
            Plasticity.Pruned pruned = Plasticity.prune(bench.model, m, request);
            bench.save(out);
            Events.write(out, pruned.events(0, 0));
            System.out.printf("pruned %d heads (%s): %d active, %,d → %,d parameters; saved to %s%n",
                    pruned.heads().size(), pruning.mode.name().toLowerCase(), bench.model.gates().numActive(), before,
                    bench.model.numParameters(), out);
        }
        return 0;
    }
}
