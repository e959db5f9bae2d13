package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.StoredTensor;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Linear;
import ai.sentinel.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * U-Net skip connections between early and late blocks. For a model of L blocks, block i ≥ ⌊L/2⌋ (a
 * <em>reading</em> block) reads e_{L−1−i}, the hidden state of its mirror block after that block's
 * attention residual, and its output y_i becomes
 *
 * <pre>
 *   y_i ← y_i + s_i · (W_i [y_i; e_{L−1−i}] + b_i)       W_i: 2E → E, b_i: E
 * </pre>
 *
 * where y_i is block i's output after its MLP residual (after its final norm in a post-norm block)
 * and E the width. W_i and b_i start at zero, so attaching skips leaves the logits unchanged; their
 * gradients are real from the first step ({@code ∂L/∂W_i = s_i·[y_i; e]ᵀ·∂L/∂y_i}). s_i is a fixed
 * scale, or a learned one starting at that scale (it cannot start at 0: W_i would then never
 * receive a gradient). When L is odd the middle block reads its own attention state.
 *
 * <p>The skip works token by token, so cached generation stays exact. The parameters live in the
 * model's manager and are part of {@link CausalLm#parameters()}, so every optimizer and checkpoint
 * carries them; they are saved in {@value #FILE} beside the Hugging Face files, which plain loaders
 * ignore (a plain class cannot represent the skips).
 */
public final class UnetSkips {
    public static final String FILE = "sentinel_unet.safetensors";
    private static final String FORMAT_VERSION = "1";

    /**
     * Fixed scale s, or a learned scale starting at s; {@code source} says what a reading block
     * fuses with its output.
     */
    public record Settings(float scale, boolean learnScale, Source source) {
        public Settings(float scale, boolean learnScale) {
            this(scale, learnScale, Source.MIRROR);
        }

        public Settings {
            if (!Float.isFinite(scale) || scale == 0f) {
                throw new IllegalArgumentException(
                        "the U-Net scale must be a finite number other than 0, got " + scale);
            }
        }
    }

    /** What a reading block fuses with its output. */
    public enum Source {
        /** e_{L−1−i}, the mirror block's attention state: the U-Net skip. */
        MIRROR,
        /**
         * Block i's own attention state: the same parameters and compute with no connection across
         * the network — the capacity control of experiments.
         */
        SELF
    }

    private final int numLayers;
    private final Settings settings;
    private final NDManager manager;
    private final Map<Integer, Linear> fusions = new LinkedHashMap<>(); // reading block -> W_i, b_i
    private final Map<Integer, Parameter> scales = new LinkedHashMap<>(); // when learned
    private FusedTap tap; // set during capture()

    private UnetSkips(int numLayers, int width, Settings settings, NDManager parent, DataType t) {
        this.numLayers = numLayers;
        this.settings = settings;
        this.manager = parent.newSubManager();
        for (int i : readingBlocks(numLayers)) {
            fusions.put(
                    i,
                    new Linear(
                            new Parameter(
                                    "unet." + i + ".fuse.weight",
                                    manager.zeros(new Shape(2L * width, width), t),
                                    true),
                            new Parameter(
                                    "unet." + i + ".fuse.bias",
                                    manager.zeros(new Shape(width), t),
                                    false)));
            if (settings.learnScale()) {
                scales.put(
                        i,
                        new Parameter(
                                "unet." + i + ".scale",
                                manager.full(new Shape(1), settings.scale(), t),
                                false));
            }
        }
    }

    /** Zero-initialised skips for {@code model}'s shape, in its manager and precision. */
    public static UnetSkips create(CausalLm model, Settings settings) {
        NDArray like = model.parameters().get(0).value();
        return new UnetSkips(
                model.config().numLayers(),
                model.config().width(),
                settings,
                model.manager(),
                like.getDataType());
    }

    /** The blocks that read a mirror: ⌊L/2⌋ … L−1. */
    public static List<Integer> readingBlocks(int numLayers) {
        List<Integer> blocks = new ArrayList<>();
        for (int i = numLayers / 2; i < numLayers; i++) {
            blocks.add(i);
        }
        return blocks;
    }

    /** The block whose attention state block {@code reader} reads. */
    public int mirror(int reader) {
        return numLayers - 1 - reader;
    }

    public Settings settings() {
        return settings;
    }

    public List<Integer> readingBlocks() {
        return List.copyOf(fusions.keySet());
    }

    /** W_i, b_i and (when learned) s_i of every reading block. */
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>();
        fusions.forEach(
                (i, fusion) -> {
                    list.addAll(fusion.parameters());
                    if (scales.containsKey(i)) {
                        list.add(scales.get(i));
                    }
                });
        return list;
    }

    public long numParameters() {
        return parameters().stream().mapToLong(Parameter::numElements).sum();
    }

    /** The skip parameters train at the base rate × {@code multiplier}. */
    public void setRateMultiplier(float multiplier) {
        parameters().forEach(p -> p.setRateMultiplier(multiplier));
    }

    /**
     * Runs {@code forward} (a forward pass of the model these skips belong to) with every reading
     * block's fused output handed to {@code tap}.
     */
    public <T> T capture(FusedTap tap, java.util.function.Supplier<T> forward) {
        this.tap = tap;
        try {
            return forward.get();
        } finally {
            this.tap = null;
        }
    }

    /** Receives block {@code reader}'s skip-fused output (B, T, E). */
    public interface FusedTap {
        void fused(int reader, NDArray output);
    }

    /** The skips of one forward pass. Models without skips use {@link #NONE}. */
    public static final class Pass {
        private final UnetSkips skips;
        private final FusedTap tap;
        private final NDArray[] attended;

        private Pass(UnetSkips skips, FusedTap tap) {
            this.skips = skips;
            this.tap = tap;
            this.attended = skips == null ? null : new NDArray[skips.numLayers];
        }

        /**
         * Block {@code layer}'s output after the skip: {@code output} itself unless the block reads
         * a mirror. {@code attendedState} is the block's hidden state after its attention residual;
         * it is kept out of the block's {@code scope}, as a later block may read it.
         */
        public NDArray apply(int layer, NDArray attendedState, NDArray output, BlockScope scope) {
            if (skips == null) {
                return output;
            }
            attended[layer] = scope.keep(attendedState);
            Linear fusion = skips.fusions.get(layer);
            if (fusion == null) {
                return output;
            }
            NDArray mirror =
                    skips.settings.source() == Source.SELF
                            ? attendedState
                            : attended[skips.mirror(layer)];
            NDArray fused = fusion.forward(output.concat(mirror, -1)); // (B, T, E)
            Parameter learned = skips.scales.get(layer);
            fused =
                    learned == null
                            ? fused.mul(skips.settings.scale())
                            : fused.mul(learned.value());
            NDArray result = output.add(fused);
            if (tap != null) {
                tap.fused(layer, result);
            }
            return result;
        }
    }

    /** The pass of a model without skips: every block's output goes through unchanged. */
    public static final Pass NONE = new Pass(null, null);

    /** The pass for a model's optional skips. */
    public static Pass passOf(UnetSkips skips) {
        return skips == null ? NONE : new Pass(skips, skips.tap);
    }

    /** Writes {@value #FILE} into {@code folder} (atomically). */
    public void save(Path folder) throws IOException {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        parameters().forEach(p -> byName.put(p.name(), p));
        Map<String, StoredTensor> tensors = StoredArray.of(byName);
        SafetensorsWriter.write(
                folder.resolve(FILE),
                tensors,
                Map.of(
                        "format",
                        "sentinel-unet",
                        "format_version",
                        FORMAT_VERSION,
                        "num_layers",
                        Integer.toString(numLayers),
                        "scale",
                        Float.toString(settings.scale()),
                        "learn_scale",
                        Boolean.toString(settings.learnScale()),
                        "source",
                        settings.source().name().toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * The skips saved in {@code folder}, for {@code model}, or null when the folder has none.
     * Errors name the file.
     */
    public static UnetSkips load(Path folder, CausalLm model) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try (SafetensorsFile saved = SafetensorsFile.open(file)) {
            Map<String, String> meta = saved.metadata();
            String version = meta.getOrDefault("format_version", "?");
            if (!version.equals(FORMAT_VERSION)) {
                throw new IOException(
                        file
                                + " has format version "
                                + version
                                + ", this build reads "
                                + FORMAT_VERSION);
            }
            int layers = Integer.parseInt(meta.getOrDefault("num_layers", "-1"));
            if (layers != model.config().numLayers()) {
                throw new IOException(
                        file
                                + " holds skips for "
                                + layers
                                + " blocks, the model has "
                                + model.config().numLayers());
            }
            Settings settings =
                    new Settings(
                            Float.parseFloat(meta.getOrDefault("scale", "1")),
                            Boolean.parseBoolean(meta.getOrDefault("learn_scale", "false")),
                            Source.valueOf(
                                    meta.getOrDefault("source", "mirror")
                                            .toUpperCase(java.util.Locale.ROOT)));
            UnetSkips skips = create(model, settings);
            try {
                for (Parameter p : skips.parameters()) {
                    SafetensorsFile.Entry entry = saved.entry(p.name());
                    if (!java.util.Arrays.equals(entry.shape(), p.value().getShape().getShape())) {
                        throw new IOException(
                                file
                                        + ": "
                                        + p.name()
                                        + " has shape "
                                        + java.util.Arrays.toString(entry.shape())
                                        + ", expected "
                                        + p.value().getShape());
                    }
                    NDArray value =
                            EngineArrays.of(
                                            skips.manager,
                                            saved.readFiniteFloats(p.name()),
                                            p.value().getShape())
                                    .toType(p.value().getDataType(), false);
                    p.value().set(new ai.djl.ndarray.index.NDIndex("..."), value);
                    value.close();
                }
            } catch (IOException | RuntimeException e) {
                skips.close();
                throw e instanceof IOException io
                        ? io
                        : new IOException(file + ": " + e.getMessage(), e);
            }
            return skips;
        }
    }

    /** Frees the skip parameters (when skips are detached from a model that lives on). */
    public void close() {
        manager.close();
    }
}
