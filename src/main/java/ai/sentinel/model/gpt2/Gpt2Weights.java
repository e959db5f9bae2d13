package ai.sentinel.model.gpt2;

import ai.sentinel.nn.EngineArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.TensorData;
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
 * The one table between our GPT-2 and Hugging Face's tensor names. HF's {@code Conv1D} stores weights input ×
 * output, exactly as {@link Linear} does, so no tensor is transposed. The unembedding is tied to {@code wte}, so
 * {@code lm_head.weight} is neither needed nor written.
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
     * Loads a GPT-2 checkpoint. Accepts names with or without the {@code transformer.} prefix (the original GPT-2
     * release has none) and skips HF's non-weight buffers ({@code attn.bias}, {@code attn.masked_bias}) and the tied
     * {@code lm_head.weight}. Missing or unexpected tensors and shape mismatches are errors that list them.
     */
    public static Gpt2Model load(Gpt2Config config, SafetensorsFile file, ai.djl.ndarray.NDManager parent)
            throws IOException {
        requireEnoughWeights(config, file);
        Gpt2Model model = Gpt2Model.allocate(config, parent, DataType.FLOAT32);
        try {
            Map<String, Parameter> expected = byHfName(model);
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
            List<String> missing = expected.keySet().stream().filter(k -> !found.containsKey(k)).toList();
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IOException(file.path() + " does not match the GPT-2 config: missing " + summary(missing)
                        + ", unexpected " + summary(unexpected));
            }
            for (Map.Entry<String, Parameter> e : expected.entrySet()) {
                copyInto(file, found.get(e.getKey()), e.getValue(), model);
            }
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void copyInto(SafetensorsFile file, String key, Parameter p, Gpt2Model model)
            throws IOException {
        long[] want = p.value().getShape().getShape();
        long[] have = file.entry(key).shape();
        if (!Arrays.equals(want, have)) {
            throw new IOException(file.path() + ": tensor \"" + key + "\" has shape " + Arrays.toString(have)
                    + " but the config needs " + Arrays.toString(want));
        }
        NDArray value = EngineArrays.of(model.manager(), file.readFiniteFloats(key), new Shape(want));
        p.replace(Init.ofType(value, p.value().getDataType()));
    }

    /**
     * Refuses, before anything is allocated, a config that needs more weights than the file holds: a corrupt or
     * hostile {@code config.json} (n_embd 10⁹) must not make us allocate more memory than the weights file's size.
     */
    private static void requireEnoughWeights(Gpt2Config config, SafetensorsFile file) throws IOException {
        long held = 0;
        for (SafetensorsFile.Entry e : file.entries().values()) {
            held += e.numElements();
        }
        long needed;
        try {
            needed = numWeights(config);
        } catch (ArithmeticException e) {
            needed = Long.MAX_VALUE;
        }
        if (needed > held) {
            throw new IOException(file.path() + " holds " + held + " weights but config.json describes a model of "
                    + (needed == Long.MAX_VALUE ? "more than 2^63" : Long.toString(needed))
                    + "; the config and the weights do not belong together");
        }
    }

    /** The number of weights of the tensors {@link #byHfName} lists, from the config alone. */
    static long numWeights(Gpt2Config c) {
        long width = c.width();
        long total = Math.addExact(Math.multiplyExact((long) c.vocabSize(), width),
                Math.multiplyExact((long) c.maxPositions(), width));
        total = Math.addExact(total, 2 * width); // ln_f
        for (int layer = 0; layer < c.numLayers(); layer++) {
            long present = (long) c.numHeadsPresent(layer) * c.headDim();
            long perLayer = 4 * width; // ln_1, ln_2
            perLayer = Math.addExact(perLayer, Math.multiplyExact(width + 1, 3 * present)); // c_attn
            perLayer = Math.addExact(perLayer, Math.addExact(Math.multiplyExact(present, width), width)); // c_proj
            perLayer = Math.addExact(perLayer, Math.multiplyExact(width + 1, (long) c.innerWidth())); // c_fc
            perLayer = Math.addExact(perLayer, Math.addExact(Math.multiplyExact((long) c.innerWidth(), width), width));
            total = Math.addExact(total, perLayer);
        }
        return total;
    }

    private static boolean isIgnoredBuffer(String name) {
        return name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") || name.equals("lm_head.weight");
    }

    private static String summary(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        List<String> sorted = new ArrayList<>(new TreeSet<>(names));
        return sorted.size() <= 6 ? sorted.toString()
                : sorted.subList(0, 6) + " and " + (sorted.size() - 6) + " more";
    }

    /** The weights as F32 tensors under their HF names. */
    public static Map<String, TensorData> export(Gpt2Model model) {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        byHfName(model).forEach((name, p) -> {
            NDArray v = p.value();
            float[] values = v.getDataType() == DataType.FLOAT32 ? v.toFloatArray()
                    : v.toType(DataType.FLOAT32, false).toFloatArray();
            tensors.put(name, TensorData.ofFloats(values, v.getShape().getShape()));
        });
        return tensors;
    }
}
