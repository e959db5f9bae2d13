package ai.sentinel.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.io.Json;
import ai.sentinel.io.TensorSource;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.WeightReader;
import ai.sentinel.nn.Init;
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
 * The one table between our Llama and Hugging Face's tensor names ({@code LlamaForCausalLM} and the
 * Qwen2 and Mistral classes, which use the same names). Both store linear weights output × input
 * ({@code nn.Linear}), so no tensor is transposed. Tied models have no {@code lm_head.weight}.
 */
public final class LlamaWeights {
    private static final String PREFIX = "model.";
    private static final String LM_HEAD = "lm_head.weight";
    private static final String[] ATTENTION = {"q_proj", "k_proj", "v_proj", "o_proj"};
    private static final String[] MLP = {"gate_proj", "up_proj", "down_proj"};

    private LlamaWeights() {}

    /** Every weight under its HF name, in model order. */
    static Map<String, Parameter> byHfName(LlamaModel model) {
        Map<String, Parameter> map = new LinkedHashMap<>();
        map.put(PREFIX + "embed_tokens.weight", model.tokenEmbedding().weight());
        for (int i = 0; i < model.blocks().size(); i++) {
            LlamaBlock b = model.blocks().get(i);
            String layer = PREFIX + "layers." + i + ".";
            map.put(layer + "input_layernorm.weight", b.inputNorm().weight());
            putLinears(map, layer + "self_attn.", ATTENTION, b.attention().projections());
            map.put(layer + "post_attention_layernorm.weight", b.postAttentionNorm().weight());
            putLinears(map, layer + "mlp.", MLP, b.mlp().projections());
        }
        map.put(PREFIX + "norm.weight", model.finalNorm().weight());
        if (!model.config().tieWordEmbeddings()) {
            map.put(LM_HEAD, model.lmHead());
        }
        return map;
    }

    private static void putLinears(
            Map<String, Parameter> map, String prefix, String[] names, List<TorchLinear> l) {
        for (int i = 0; i < names.length; i++) {
            map.put(prefix + names[i] + ".weight", l.get(i).weight());
            if (l.get(i).hasBias()) {
                map.put(prefix + names[i] + ".bias", l.get(i).bias());
            }
        }
    }

    /**
     * The shape of every weight under its HF name, from the config alone: the file's header is
     * checked against it before anything is allocated, so a corrupt or hostile {@code config.json}
     * cannot make us allocate more memory than the weights file holds. Matches {@link #byHfName}
     * (tested).
     */
    static Map<String, long[]> expectedShapes(LlamaConfig c) {
        long width = c.width();
        long inner = c.innerWidth();
        LlamaConfig.Biases bias = c.biases();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(PREFIX + "embed_tokens.weight", new long[] {c.vocabSize(), width});
        for (int i = 0; i < c.numLayers(); i++) {
            String layer = PREFIX + "layers." + i + ".";
            long queries = (long) c.numHeadsPresent(i) * c.headDim();
            long keys = (long) c.groupsPresent(i).length * c.headDim();
            shapes.put(layer + "input_layernorm.weight", new long[] {width});
            putLinear(shapes, layer + "self_attn.q_proj", width, queries, bias.qkv());
            putLinear(shapes, layer + "self_attn.k_proj", width, keys, bias.qkv());
            putLinear(shapes, layer + "self_attn.v_proj", width, keys, bias.qkv());
            putLinear(shapes, layer + "self_attn.o_proj", queries, width, bias.output());
            shapes.put(layer + "post_attention_layernorm.weight", new long[] {width});
            putLinear(shapes, layer + "mlp.gate_proj", width, inner, bias.mlp());
            putLinear(shapes, layer + "mlp.up_proj", width, inner, bias.mlp());
            putLinear(shapes, layer + "mlp.down_proj", inner, width, bias.mlp());
        }
        shapes.put(PREFIX + "norm.weight", new long[] {width});
        if (!c.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new long[] {c.vocabSize(), width});
        }
        return shapes;
    }

    /** An {@code nn.Linear}'s (out, in) weight and, if present, its (out) bias. */
    private static void putLinear(
            Map<String, long[]> shapes, String name, long in, long out, boolean bias) {
        shapes.put(name + ".weight", new long[] {out, in});
        if (bias) {
            shapes.put(name + ".bias", new long[] {out});
        }
    }

    /**
     * Loads a Llama-family checkpoint. Skips the rotary {@code inv_freq} buffers older checkpoints
     * carry and a {@code lm_head.weight} written beside tied embeddings. Missing or unexpected
     * tensors and shape mismatches are errors that list them; non-finite values are refused.
     */
    public static LlamaModel load(LlamaConfig config, TensorSource file, NDManager parent)
            throws IOException {
        Map<String, long[]> expected = expectedShapes(config);
        checkNames(expected, file);
        LlamaModel model = LlamaModel.allocate(config, parent, DataType.FLOAT32);
        try {
            WeightReader reader = new WeightReader(file);
            for (Map.Entry<String, Parameter> e : byHfName(model).entrySet()) {
                Parameter p = e.getValue();
                NDArray value =
                        reader.read(
                                model.manager(), e.getKey(), new Shape(expected.get(e.getKey())));
                p.replace(Init.ofType(value, p.value().getDataType()));
            }
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void checkNames(Map<String, long[]> expected, TensorSource file)
            throws IOException {
        List<String> unexpected = new ArrayList<>();
        for (String key : file.entries().keySet()) {
            if (!expected.containsKey(key)
                    && !key.endsWith(".rotary_emb.inv_freq")
                    && !key.equals(LM_HEAD)) {
                unexpected.add(key);
            }
        }
        List<String> missing =
                expected.keySet().stream().filter(k -> !file.entries().containsKey(k)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IOException(
                    file.path()
                            + " does not match the Llama config in "
                            + file.path().resolveSibling(ModelFiles.CONFIG_FILE)
                            + ": missing "
                            + summary(missing)
                            + ", unexpected "
                            + summary(unexpected));
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long[] have = file.entry(e.getKey()).shape();
            if (!Arrays.equals(e.getValue(), have)) {
                throw new IOException(
                        file.path()
                                + ": tensor "
                                + Json.quote(e.getKey())
                                + " has shape "
                                + Arrays.toString(have)
                                + " but the config needs "
                                + Arrays.toString(e.getValue()));
            }
        }
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
