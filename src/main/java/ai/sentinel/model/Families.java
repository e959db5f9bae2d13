package ai.sentinel.model;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import ai.sentinel.model.gpt2.Gpt2Family;
import ai.sentinel.model.llama.LlamaFamily;
import ai.sentinel.model.opt.OptFamily;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The model families Sentinel implements: the one place that names them. */
public final class Families {
    private static final List<Family> ALL =
            List.of(Gpt2Family.INSTANCE, OptFamily.INSTANCE, LlamaFamily.INSTANCE);

    private Families() {}

    public static List<Family> all() {
        return ALL;
    }

    /** The family that reads a {@code config.json}, by its {@code model_type}. */
    public static Family of(JsonObject config) {
        String type = JsonFields.optString(config, "model_type", "");
        return ALL.stream()
                .filter(f -> f.modelTypes().contains(type))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "config.json has model_type "
                                                + Json.quote(type)
                                                + "; supported: "
                                                + ALL.stream()
                                                        .map(f -> String.join(", ", f.modelTypes()))
                                                        .collect(Collectors.joining(", "))));
    }

    /** The family of a loaded model. */
    public static Family of(CausalLm model) {
        return ALL.stream()
                .filter(f -> f.owns(model))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "no family owns " + model.getClass().getName()));
    }

    /** The preset a user named ('-' and case ignored), from any family. */
    public static Optional<Family.Preset> preset(String name) {
        String key = normalize(name);
        return ALL.stream()
                .flatMap(f -> f.presets().stream())
                .filter(p -> normalize(p.name()).equals(key))
                .findFirst();
    }

    /** Every preset name, as users type them: the one list that help texts and errors show. */
    public static List<String> presetNames() {
        return ALL.stream().flatMap(f -> f.presets().stream()).map(Family.Preset::name).toList();
    }

    /** The presets whose family groups query heads over shared keys and values. */
    public static String groupedQueryPresetNames() {
        return ALL.stream()
                .flatMap(f -> f.presets().stream())
                .filter(p -> p.withKvHeads(1).isPresent())
                .map(Family.Preset::name)
                .collect(Collectors.joining(", "));
    }

    private static String normalize(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replace("-", "").replace("_", "");
    }
}
