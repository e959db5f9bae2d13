package ai.sentinel.cli;

import ai.sentinel.io.Json;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.control.ControllerKind;
import ai.sentinel.plasticity.control.MeasurementSummary;
import com.google.gson.JsonObject;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    /** The command these options are mixed into, to see which options the user gave. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

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
        Optional<ControllerKind> kind = Optional.ofNullable(name).map(ControllerKind::of);
        requireOnlyOptionsOf(kind);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                switch (kind.get()) {
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

    /**
     * Refuses an option of a controller the command does not run: it would be silently ignored, and
     * the user would believe it acted.
     */
    private void requireOnlyOptionsOf(Optional<ControllerKind> kind) {
        if (command == null || command.commandLine() == null) {
            return; // not parsed from a command line (a test building the options in code)
        }
        for (OptionSpec given : command.commandLine().getParseResult().matchedOptions()) {
            Optional<ControllerKind> owner = ownerOf(given);
            boolean anyController = owner.isEmpty() && appliesToAnyController(given);
            if (kind.isEmpty() && (owner.isPresent() || anyController)) {
                throw new IllegalArgumentException(
                        given.longestName()
                                + " applies only with --controller "
                                + owner.map(k -> k.names().get(0)).orElse("threshold or learned")
                                + ", and no --controller was given; add it, or drop "
                                + given.longestName());
            }
            if (kind.isPresent() && owner.isPresent() && owner.get() != kind.get()) {
                throw new IllegalArgumentException(
                        given.longestName()
                                + " applies only with --controller "
                                + owner.get().names().get(0)
                                + ", not with --controller "
                                + name
                                + "; drop "
                                + given.longestName());
            }
        }
    }

    /** The controller whose option {@code option} is, by the class that declares it. */
    private static Optional<ControllerKind> ownerOf(OptionSpec option) {
        Class<?> declaring = declaringClass(option);
        if (declaring == ThresholdControllerOptions.class) {
            return Optional.of(ControllerKind.THRESHOLD);
        }
        if (declaring == LearnedControllerOptions.class || declaring == Target.class) {
            return Optional.of(ControllerKind.LEARNED);
        }
        return Optional.empty();
    }

    /** {@code train}'s --pruning-mode and --max-pruned-fraction: read by either controller. */
    private static boolean appliesToAnyController(OptionSpec option) {
        return declaringClass(option) == ThresholdControllerOptions.Pruning.class;
    }

    private static Class<?> declaringClass(OptionSpec option) {
        return option.userObject() instanceof Field field ? field.getDeclaringClass() : null;
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
