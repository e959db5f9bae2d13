package ai.sentinel.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.io.Json;
import ai.sentinel.io.TensorSource;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.WeightReader;
import ai.sentinel.nn.Init;
import ai.sentinel.nn.LayerNorm;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.TorchLinear;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one table between our OPT and Hugging Face's tensor names ({@code OPTForCausalLM}). Weights
 * are {@code nn.Linear}'s [out, in], as {@link TorchLinear} stores them, so no tensor is
 * transposed. The unembedding is tied to {@code embed_tokens}, so {@code lm_head.weight} is neither
 * needed nor written.
 */
public final class OptWeights {
    private static final String PREFIX = "model.decoder.";

    /**
     * Older facebook/opt checkpoints were saved from {@code OPTModel}: their names lack {@code
     * model.}.
     */
    private static final String LEGACY_PREFIX = "decoder.";

    private OptWeights() {}

    /** Every weight under its HF name, in model order. */
    static Map<String, Parameter> byHfName(OptModel model) {
        Map<String, Parameter> map = new LinkedHashMap<>();
        map.put(PREFIX + "embed_tokens.weight", model.tokenEmbedding().weight());
        map.put(PREFIX + "embed_positions.weight", model.positionEmbedding().weight());
        model.projectIn().ifPresent(p -> map.put(PREFIX + "project_in.weight", p));
        for (int i = 0; i < model.blocks().size(); i++) {
            OptBlock b = model.blocks().get(i);
            OptAttention.Projections a = b.attention().projections();
            String l = PREFIX + "layers." + i + ".";
            putLinear(map, l + "self_attn.q_proj", a.query());
            putLinear(map, l + "self_attn.k_proj", a.key());
            putLinear(map, l + "self_attn.v_proj", a.value());
            putLinear(map, l + "self_attn.out_proj", a.output());
            putNorm(map, l + "self_attn_layer_norm", b.ln1());
            putLinear(map, l + "fc1", b.mlp().fc1());
            putLinear(map, l + "fc2", b.mlp().fc2());
            putNorm(map, l + "final_layer_norm", b.ln2());
        }
        model.finalNorm().ifPresent(n -> putNorm(map, PREFIX + "final_layer_norm", n));
        model.projectOut().ifPresent(p -> map.put(PREFIX + "project_out.weight", p));
        return map;
    }

    private static void putLinear(Map<String, Parameter> map, String name, TorchLinear linear) {
        map.put(name + ".weight", linear.weight());
        map.put(name + ".bias", linear.bias());
    }

    private static void putNorm(Map<String, Parameter> map, String name, LayerNorm norm) {
        map.put(name + ".weight", norm.gamma());
        map.put(name + ".bias", norm.beta());
    }

    /**
     * The shape of every weight under its HF name, from the config alone: the file's header is
     * checked against it before anything is allocated, so a corrupt or hostile {@code config.json}
     * cannot make us allocate more memory than the weights file holds. Matches {@link #byHfName}
     * (tested).
     */
    static Map<String, long[]> expectedShapes(OptConfig c) {
        long width = c.width();
        long embed = c.embedWidth();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(PREFIX + "embed_tokens.weight", new long[] {c.vocabSize(), embed});
        shapes.put(
                PREFIX + "embed_positions.weight",
                new long[] {c.maxPositions() + OptConfig.POSITION_OFFSET, width});
        if (c.projectsEmbeddings()) {
            shapes.put(PREFIX + "project_in.weight", new long[] {width, embed});
        }
        for (int layer = 0; layer < c.numLayers(); layer++) {
            String l = PREFIX + "layers." + layer + ".";
            long present = (long) c.numHeadsPresent(layer) * c.headDim();
            putShapes(shapes, l + "self_attn.q_proj", width, present);
            putShapes(shapes, l + "self_attn.k_proj", width, present);
            putShapes(shapes, l + "self_attn.v_proj", width, present);
            putShapes(shapes, l + "self_attn.out_proj", present, width);
            putShapes(shapes, l + "self_attn_layer_norm", width, -1);
            putShapes(shapes, l + "fc1", width, c.ffnWidth());
            putShapes(shapes, l + "fc2", c.ffnWidth(), width);
            putShapes(shapes, l + "final_layer_norm", width, -1);
        }
        if (c.hasFinalLayerNorm()) {
            putShapes(shapes, PREFIX + "final_layer_norm", width, -1);
        }
        if (c.projectsEmbeddings()) {
            shapes.put(PREFIX + "project_out.weight", new long[] {embed, width});
        }
        return shapes;
    }

    /**
     * A linear layer's [out, in] weight and (out) bias, or a LayerNorm's (C) weight and bias when
     * out is −1.
     */
    private static void putShapes(Map<String, long[]> shapes, String name, long in, long out) {
        shapes.put(name + ".weight", out < 0 ? new long[] {in} : new long[] {out, in});
        shapes.put(name + ".bias", new long[] {out < 0 ? in : out});
    }

    /**
     * Loads an OPT checkpoint. Accepts names with {@code model.decoder.} or {@code decoder.} and
     * skips the tied {@code lm_head.weight}. Missing or unexpected tensors and shape mismatches are
     * errors that list them; every shape is checked before anything is allocated, and non-finite
     * values are refused.
     */
    public static OptModel load(OptConfig config, TensorSource file, NDManager parent)
            throws IOException {
        Map<String, String> found = matchNames(config, file);
        OptModel model = OptModel.allocate(config, parent, DataType.FLOAT32);
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
            WeightReader reader, TensorSource file, String key, Parameter p, OptModel model)
            throws IOException {
        long[] want = p.value().getShape().getShape();
        NDArray value = reader.read(model.manager(), key, new Shape(want));
        p.replace(Init.ofType(value, p.value().getDataType()));
    }

    /**
     * Matches the file's tensors to the expected names (either prefix), checking each shape;
     * returns HF → key.
     */
    private static Map<String, String> matchNames(OptConfig config, TensorSource file)
            throws IOException {
        Map<String, long[]> expected = expectedShapes(config);
        Map<String, String> found = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (String key : file.entries().keySet()) {
            String name = key.startsWith(LEGACY_PREFIX) ? "model." + key : key;
            if (expected.containsKey(name) && !found.containsKey(name)) {
                found.put(name, key);
            } else if (!name.equals("lm_head.weight")) {
                unexpected.add(key);
            }
        }
        List<String> missing =
                expected.keySet().stream().filter(k -> !found.containsKey(k)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IOException(
                    file.path()
                            + " does not match the OPT config in "
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
