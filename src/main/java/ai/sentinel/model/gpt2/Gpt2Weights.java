package ai.sentinel.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.io.Json;
import ai.sentinel.io.TensorSource;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.WeightReader;
import ai.sentinel.nn.Init;
import ai.sentinel.nn.LayerNorm;
import ai.sentinel.nn.Linear;
import ai.sentinel.nn.Parameter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one table between our GPT-2 and Hugging Face's tensor names. HF's {@code Conv1D} stores
 * weights input × output, exactly as {@link Linear} does, so no tensor is transposed. The
 * unembedding is tied to {@code wte}, so {@code lm_head.weight} is neither needed nor written.
 */
public final class Gpt2Weights {
    private static final String PREFIX = "transformer.";

    private Gpt2Weights() {}

    /** Every weight under its HF name ({@code GPT2LMHeadModel} layout), in model order. */
    static Map<String, Parameter> byHfName(Gpt2Model model) {
        Map<String, Parameter> map = new LinkedHashMap<>();
        map.put(PREFIX + "wte.weight", model.tokenEmbedding().weight());
        map.put(PREFIX + "wpe.weight", model.positionEmbedding().weight());
        for (int i = 0; i < model.blocks().size(); i++) {
            Gpt2Block b = model.blocks().get(i);
            String h = PREFIX + "h." + i + ".";
            putNorm(map, h + "ln_1", b.ln1());
            putLinear(map, h + "attn.c_attn", b.attention().qkvProj());
            putLinear(map, h + "attn.c_proj", b.attention().outputProj());
            putNorm(map, h + "ln_2", b.ln2());
            putLinear(map, h + "mlp.c_fc", b.mlp().fc());
            putLinear(map, h + "mlp.c_proj", b.mlp().proj());
        }
        putNorm(map, PREFIX + "ln_f", model.finalNorm());
        return map;
    }

    private static void putLinear(Map<String, Parameter> map, String name, Linear linear) {
        map.put(name + ".weight", linear.weight());
        map.put(name + ".bias", linear.bias());
    }

    private static void putNorm(Map<String, Parameter> map, String name, LayerNorm norm) {
        map.put(name + ".weight", norm.gamma());
        map.put(name + ".bias", norm.beta());
    }

    /**
     * Loads a GPT-2 checkpoint. Accepts names with or without the {@code transformer.} prefix (the
     * original GPT-2 release has none) and skips HF's non-weight buffers ({@code attn.bias}, {@code
     * attn.masked_bias}) and the tied {@code lm_head.weight}. Missing or unexpected tensors and
     * shape mismatches are errors that list them.
     */
    public static Gpt2Model load(
            Gpt2Config config, TensorSource file, ai.djl.ndarray.NDManager parent)
            throws IOException {
        Map<String, String> found = matchNames(config, file);
        Gpt2Model model = Gpt2Model.allocate(config, parent, DataType.FLOAT32);
        try {
            WeightReader reader = new WeightReader(file);
            for (Map.Entry<String, Parameter> e : byHfName(model).entrySet()) {
                copyInto(reader, file, found.get(e.getKey()), e.getValue(), model);
            }
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void copyInto(
            WeightReader reader, TensorSource file, String key, Parameter p, Gpt2Model model)
            throws IOException {
        long[] want = p.value().getShape().getShape();
        long[] have = file.entry(key).shape();
        if (!Arrays.equals(want, have)) {
            throw new IOException(
                    file.path()
                            + ": tensor "
                            + Json.quote(key)
                            + " has shape "
                            + Arrays.toString(have)
                            + " but the config needs "
                            + Arrays.toString(want));
        }
        NDArray value = reader.read(model.manager(), key, new Shape(want));
        p.replace(Init.ofType(value, p.value().getDataType()));
    }

    /**
     * The shape of every weight under its HF name, from the config alone: the file's header is
     * checked against it before anything is allocated, so a corrupt or hostile {@code config.json}
     * (n_embd 10⁹) cannot make us allocate more memory than the weights file holds. Matches {@link
     * #byHfName} (tested).
     */
    static Map<String, long[]> expectedShapes(Gpt2Config c) {
        long width = c.width();
        long inner = c.innerWidth();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(PREFIX + "wte.weight", new long[] {c.vocabSize(), width});
        shapes.put(PREFIX + "wpe.weight", new long[] {c.maxPositions(), width});
        for (int layer = 0; layer < c.numLayers(); layer++) {
            String h = PREFIX + "h." + layer + ".";
            long present = (long) c.numHeadsPresent(layer) * c.headDim();
            putShapes(shapes, h + "ln_1", width, -1);
            putShapes(shapes, h + "attn.c_attn", width, 3 * present);
            putShapes(shapes, h + "attn.c_proj", present, width);
            putShapes(shapes, h + "ln_2", width, -1);
            putShapes(shapes, h + "mlp.c_fc", width, inner);
            putShapes(shapes, h + "mlp.c_proj", inner, width);
        }
        putShapes(shapes, PREFIX + "ln_f", width, -1);
        return shapes;
    }

    /**
     * A linear layer's (in, out) weight and (out) bias, or a LayerNorm's (C) weight and bias when
     * out is −1.
     */
    private static void putShapes(Map<String, long[]> shapes, String name, long in, long out) {
        shapes.put(name + ".weight", out < 0 ? new long[] {in} : new long[] {in, out});
        shapes.put(name + ".bias", new long[] {out < 0 ? in : out});
    }

    /**
     * Matches the file's tensors to the expected names (prefix optional), checking each shape;
     * returns HF → key.
     */
    private static Map<String, String> matchNames(Gpt2Config config, TensorSource file)
            throws IOException {
        Map<String, long[]> expected = expectedShapes(config);
        Map<String, String> found = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (String key : file.entries().keySet()) {
            String name = key.startsWith(PREFIX) || key.startsWith("lm_head.") ? key : PREFIX + key;
            if (expected.containsKey(name)) {
                found.put(name, key);
            } else if (!isIgnoredBuffer(name)) {
                unexpected.add(key);
            }
        }
        List<String> missing =
                expected.keySet().stream().filter(k -> !found.containsKey(k)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IOException(
                    file.path()
                            + " does not match the GPT-2 config in "
                            + file.path().resolveSibling(ModelFiles.CONFIG_FILE)
                            + ": missing "
                            + summary(missing)
                            + ", unexpected "
                            + summary(unexpected));
        }
        for (Map.Entry<String, String> e : found.entrySet()) {
            long[] want = expected.get(e.getKey());
            long[] have = file.entry(e.getValue()).shape();
            if (!Arrays.equals(want, have)) {
                throw new IOException(
                        file.path()
                                + ": tensor "
                                + Json.quote(e.getValue())
                                + " has shape "
                                + Arrays.toString(have)
                                + " but the config needs "
                                + Arrays.toString(want));
            }
        }
        return found;
    }

    private static boolean isIgnoredBuffer(String name) {
        return name.endsWith(".attn.bias")
                || name.endsWith(".attn.masked_bias")
                || name.equals("lm_head.weight");
    }

    private static String summary(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        List<String> sorted = new TreeSet<>(names).stream().map(Json::quote).toList();
        return sorted.size() <= 6
                ? sorted.toString()
                : sorted.subList(0, 6) + " and " + (sorted.size() - 6) + " more";
    }
}
