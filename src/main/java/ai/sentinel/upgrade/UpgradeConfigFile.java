package ai.sentinel.upgrade;

import ai.sentinel.io.Json;
import ai.sentinel.io.TextFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads an upgrade configuration from a JSON or YAML file shaped like the original's: top-level
 * keys {@code dataset, cycles, pruning_level, growth_ratio, learning_rate, controller_config,
 * plasticity_config, run_inference, plot, log_metrics, dry_run}; snake_case, kebab-case and
 * camelCase spellings are all accepted. Keys left out keep the values of the base configuration. An
 * unknown key, a value of the wrong type or out of range is one IllegalArgumentException naming the
 * file and the key.
 */
public final class UpgradeConfigFile {
    private static final Set<String> TOP =
            Set.of(
                    "dataset",
                    "cycles",
                    "pruning_level",
                    "growth_ratio",
                    "learning_rate",
                    "controller_config",
                    "plasticity_config",
                    "run_inference",
                    "plot",
                    "log_metrics",
                    "dry_run");
    private static final Set<String> CONTROLLER =
            Set.of("controller_type", "controller_lr", "update_frequency", "warmup_steps");
    private static final Set<String> PLASTICITY =
            Set.of(
                    "max_degeneration_increase",
                    "max_degeneration_score",
                    "max_perplexity_increase",
                    "training_steps",
                    "memory_capacity");

    private UpgradeConfigFile() {}

    /**
     * Far above any real config (a few hundred bytes), far below what would strain the YAML parser,
     * which allocates about 200 bytes per byte of deeply nested input.
     */
    private static final long MAX_BYTES = 1 << 20;

    public static UpgradeConfig read(Path file, UpgradeConfig base) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException(
                    file
                            + ": "
                            + size
                            + " bytes is too large for an upgrade config (at most "
                            + MAX_BYTES
                            + "; a config is a few hundred bytes): is it the right file?");
        }
        String text =
                TextFiles.read(file, StandardCharsets.UTF_8, "a JSON or YAML config must be UTF-8");
        Object loaded;
        try {
            loaded = new Yaml(new SafeConstructor(loaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(file + ": " + describe(e));
        }
        if (loaded == null) {
            return base;
        }
        try {
            return parse(section(loaded, "the file"), base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    /** A key given twice is refused: YAML and JSON readers otherwise keep the last silently. */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return options;
    }

    /** SnakeYAML's first line is often only its context ("while constructing a mapping"). */
    private static String describe(YAMLException e) {
        if (e instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            Mark mark = marked.getProblemMark();
            String where =
                    mark == null
                            ? ""
                            : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            if (e instanceof DuplicateKeyException) {
                String key = marked.getProblem().replaceFirst("^found duplicate key ", "");
                return where
                        + ": the key "
                        + Json.quote(key)
                        + " is given twice in one mapping; give each key once";
            }
            return "not valid JSON or YAML: " + where + ": " + firstLine(marked.getProblem());
        }
        return "not valid JSON or YAML: " + firstLine(String.valueOf(e.getMessage()));
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }

    static UpgradeConfig parse(Map<String, Object> top, UpgradeConfig base) {
        check(top, TOP, "");
        Map<String, Object> c =
                top.containsKey("controller_config")
                        ? section(top.get("controller_config"), "controller_config")
                        : Map.of();
        check(c, CONTROLLER, "controller_config.");
        Map<String, Object> p =
                top.containsKey("plasticity_config")
                        ? section(top.get("plasticity_config"), "plasticity_config")
                        : Map.of();
        check(p, PLASTICITY, "plasticity_config.");
        UpgradeConfig.ControllerConfig bc = base.controller();
        UpgradeConfig.PlasticityConfig bp = base.plasticity();
        return new UpgradeConfig(
                string(top, "dataset", base.dataset()),
                integer(top, "cycles", base.cycles(), "", UpgradeConfig.CYCLES),
                number(top, "pruning_level", base.pruningLevel()),
                number(top, "growth_ratio", base.growthRatio()),
                number(top, "learning_rate", base.learningRate()),
                new UpgradeConfig.ControllerConfig(
                        c.containsKey("controller_type")
                                ? controllerType(c.get("controller_type"))
                                : bc.type(),
                        number(c, "controller_lr", bc.lr(), "controller_config."),
                        integer(
                                c,
                                "update_frequency",
                                bc.updateFrequency(),
                                "controller_config.",
                                UpgradeConfig.AT_LEAST_ONE),
                        integer(
                                c,
                                "warmup_steps",
                                bc.warmupSteps(),
                                "controller_config.",
                                UpgradeConfig.AT_LEAST_ZERO)),
                new UpgradeConfig.PlasticityConfig(
                        number(
                                p,
                                "max_degeneration_increase",
                                bp.maxDegenerationIncrease(),
                                "plasticity_config."),
                        number(
                                p,
                                "max_degeneration_score",
                                bp.maxDegenerationScore(),
                                "plasticity_config."),
                        number(
                                p,
                                "max_perplexity_increase",
                                bp.maxPerplexityIncrease(),
                                "plasticity_config."),
                        integer(
                                p,
                                "training_steps",
                                bp.trainingSteps(),
                                "plasticity_config.",
                                UpgradeConfig.AT_LEAST_ONE),
                        integer(
                                p,
                                "memory_capacity",
                                bp.memoryCapacity(),
                                "plasticity_config.",
                                UpgradeConfig.AT_LEAST_ONE)),
                bool(top, "run_inference", base.runInference()),
                bool(top, "plot", base.plot()),
                bool(top, "log_metrics", base.logMetrics()),
                bool(top, "dry_run", base.dryRun()));
    }

    /** {@code ann} and {@code learned} name the learned gates, as in the original. */
    public static UpgradeConfig.ControllerType controllerType(Object value) {
        String name = String.valueOf(value).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "ann", "learned" -> UpgradeConfig.ControllerType.LEARNED;
            case "threshold" -> UpgradeConfig.ControllerType.THRESHOLD;
            case "static" -> UpgradeConfig.ControllerType.STATIC;
            default ->
                    throw new IllegalArgumentException(
                            "controller_config.controller_type must be ann, learned, threshold or"
                                    + " static, got "
                                    + Json.quote(String.valueOf(value)));
        };
    }

    /** The section's keys in snake_case (kebab-case and camelCase accepted). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Object value, String what) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(what + " must be a mapping of keys to values");
        }
        Map<String, Object> snake = new LinkedHashMap<>();
        Map<String, String> spelled = new LinkedHashMap<>();
        ((Map<Object, Object>) map)
                .forEach(
                        (k, v) -> {
                            String key = snakeCase(String.valueOf(k));
                            String before = spelled.put(key, String.valueOf(k));
                            if (before != null) {
                                throw new IllegalArgumentException(
                                        (what.equals("the file") ? "" : what + ".")
                                                + key
                                                + " is given twice (as "
                                                + Json.quote(before)
                                                + " and as "
                                                + Json.quote(String.valueOf(k))
                                                + "); give it once");
                            }
                            snake.put(key, v);
                        });
        return snake;
    }

    static String snakeCase(String key) {
        return key.replace('-', '_')
                .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .toLowerCase(Locale.ROOT);
    }

    private static void check(Map<String, Object> section, Set<String> known, String prefix) {
        for (String key : section.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown key "
                                + Json.quote(prefix + key)
                                + "; accepted: "
                                + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static String string(Map<String, Object> m, String key, String fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(
                    key + " must be a non-empty string, got " + Json.quote(String.valueOf(v)));
        }
        return s;
    }

    /**
     * An integer key; YAML reads a whole number too large for an {@code int} as a Long or
     * BigInteger, which is refused with the key's range rather than "must be an integer".
     */
    private static int integer(
            Map<String, Object> m,
            String key,
            int fallback,
            String prefix,
            UpgradeConfig.IntRange range) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            range.require(prefix + key, v);
            return ((Number) v).intValue();
        }
        throw new IllegalArgumentException(
                prefix + key + " must be " + range + ", got " + Json.quote(String.valueOf(v)));
    }

    private static double number(Map<String, Object> m, String key, double fallback) {
        return number(m, key, fallback, "");
    }

    private static double number(
            Map<String, Object> m, String key, double fallback, String prefix) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        // YAML 1.1 reads 5e-5 (no decimal point) as a string
        if (v instanceof String s && s.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?")) {
            return Double.parseDouble(s);
        }
        throw new IllegalArgumentException(
                prefix + key + " must be a number, got " + Json.quote(String.valueOf(v)));
    }

    private static boolean bool(Map<String, Object> m, String key, boolean fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(
                    key + " must be true or false, got " + Json.quote(String.valueOf(v)));
        }
        return b;
    }
}
