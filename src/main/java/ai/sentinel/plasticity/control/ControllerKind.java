package ai.sentinel.plasticity.control;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The controllers {@code --controller} can name. */
public enum ControllerKind {
    /** {@link ThresholdController}: measured rules every few steps. */
    THRESHOLD(List.of(ThresholdController.NAME)),
    /**
     * {@link LearnedGateController}: hard-concrete gates with an L0 penalty ("ann" in the
     * original).
     */
    LEARNED(LearnedGateController.NAMES);

    private final List<String> names;

    ControllerKind(List<String> names) {
        this.names = names;
    }

    /** The kind a name selects, case-insensitively; unknown names are refused listing the known. */
    public static ControllerKind of(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(k -> k.names.contains(key))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "--controller "
                                                + name
                                                + " is not a controller; accepted: "
                                                + String.join(", ", allNames())));
    }

    public static List<String> allNames() {
        return Arrays.stream(values()).flatMap(k -> k.names.stream()).toList();
    }

    public List<String> names() {
        return names;
    }
}
