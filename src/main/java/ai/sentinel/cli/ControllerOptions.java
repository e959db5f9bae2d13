package ai.sentinel.cli;

import ai.sentinel.io.Json;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.control.ControllerKind;
import ai.sentinel.plasticity.control.MeasurementSummary;
import com.google.gson.JsonObject;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --controller NAME} and every controller's options: what prunes and revives heads while the
 * model trains, in {@code train} and in each training phase of {@code cycle}. The pruning mode, the
 * maximum pruned fraction and the learned controller's target come from the command (they mean the
 * same as its other options of those names).
 */
final class ControllerOptions {
    @Option(
            names = "--controller",
            paramLabel = "NAME",
            description =
                    "Prune and revive heads while training: threshold (measured rules every"
                            + " --controller-interval steps) or learned (hard-concrete gates with an L0"
                            + " penalty, trained with the model; 'ann' is accepted). Default: none.")
    String name;

    @Mixin ThresholdControllerOptions threshold;
    @Mixin LearnedControllerOptions learned;

    /**
     * The run's controller factory, every option validated now (before any work); empty without
     * {@code --controller}.
     *
     * @param targetActive {@code --target-active} (null: not given)
     * @param onFirstMeasurement receives the threshold controller's first measurement summary
     */
    Optional<ControllerFactory> factory(
            PruneMode mode,
            double maxPrunedFraction,
            Double targetActive,
            int batchSize,
            WarmupOptions warmup,
            Consumer<MeasurementSummary> onFirstMeasurement) {
        if (name == null) {
            return Optional.empty();
        }
        return Optional.of(
                switch (ControllerKind.of(name)) {
                    case THRESHOLD ->
                            threshold.factory(
                                    mode,
                                    maxPrunedFraction,
                                    batchSize,
                                    warmup.schedule(),
                                    onFirstMeasurement);
                    case LEARNED -> learned.factory(targetActive, mode);
                });
    }

    /** The controller's name as given. */
    Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * The run configuration's record of the controller: its name and the options of its kind (a
     * resumed run compares them with the run that wrote the checkpoint).
     */
    void record(JsonObject json) {
        if (name != null) {
            json.addProperty("controller", name);
            json.add(
                    "controller_options",
                    Json.toJsonTree(
                            ControllerKind.of(name) == ControllerKind.THRESHOLD
                                    ? threshold
                                    : learned));
        }
    }

    /** {@code --target-active} for commands without progressive growth (cycle). */
    static final class Target {
        @Option(
                names = "--target-active",
                paramLabel = "FRACTION",
                description =
                        "With --controller learned: the share of gates the controller steers toward"
                                + " (default: none, a fixed --penalty).")
        Double targetActive;
    }
}
