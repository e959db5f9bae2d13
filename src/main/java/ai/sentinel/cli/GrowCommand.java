package ai.sentinel.cli;

import ai.sentinel.io.OutputFolder;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.plasticity.GrowRequest;
import ai.sentinel.plasticity.Plasticity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "grow",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Grow pruned heads of a model back where they help most, and save the model and events.jsonl"
                        + " into --out. (Gate warm-up and"
                        + " the new-head learning rate apply in 'sentinel cycle', where learning follows.)",
        footer = {"", "Example:", "  sentinel grow -m runs/pruned --count 2 -o runs/grown"})
final class GrowCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin GrowthOptions growth;

    @Option(
            names = "--count",
            defaultValue = "1",
            description = "Heads to grow back. Default: ${DEFAULT-VALUE}.")
    int count;

    @Mixin CommonOptions.StartGate startGate = CommonOptions.StartGate.fullyOpen();

    @Mixin CommonOptions.MetricBatches metricBatches;
    @Mixin CommonOptions.BatchSize batchSize = CommonOptions.BatchSize.measuring();
    @Mixin CommonOptions.Output output;
    @Mixin CommonOptions.Seed seed;

    @Override
    public Integer call() throws IOException {
        GrowRequest request =
                new GrowRequest(
                        growth.strategy,
                        count,
                        growth.init,
                        startGate.startGate,
                        growth.initialScale,
                        seed.seed);
        try (OutputFolder.Held held = output.claim(model)) {
            Path out = held.folder();
            try (Workbench bench = new Workbench(model, data, seed.seed)) {
                if (bench.model.gates().numActive()
                        == bench.model.config().numLayers() * bench.model.config().numHeads()) {
                    throw new IllegalArgumentException(
                            "model " + model.model + " has no pruned head to grow back");
                }
                UnetOptions.requireSkipsFor(growth.init, bench.model);
                var meter = bench.meter(batchSize.batchSize, metricBatches.metricBatches);
                HeadMeasurements active =
                        meter.measure(bench.model, MaskedHeads.AS_IS, new ProgressBar("measure"));
                Plasticity.Grown grown =
                        Plasticity.grow(bench.model, meter, request, active.importance());
                bench.save(out);
                Events.write(out, grown.events(0, 0));
                System.out.printf(
                        "grew %d heads (%s): %d active, %,d parameters; saved to %s%n",
                        grown.heads().size(),
                        growth.init.name().toLowerCase(),
                        bench.model.gates().numActive(),
                        bench.model.numParameters(),
                        out);
            }
            return 0;
        }
    }
}
