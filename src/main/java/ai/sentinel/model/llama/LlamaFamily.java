package ai.sentinel.model.llama;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.io.TensorSource;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Family;
import ai.sentinel.model.ModelConfig;
import ai.sentinel.model.NonUniformHeadsException;
import ai.sentinel.nn.Parameter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Llama and the models that reuse its architecture: {@code model_type} llama, qwen2 and mistral.
 */
public final class LlamaFamily implements Family {
    public static final LlamaFamily INSTANCE = new LlamaFamily();

    private LlamaFamily() {}

    @Override
    public String name() {
        return "Llama";
    }

    @Override
    public List<String> modelTypes() {
        return Arrays.stream(LlamaVariant.values()).map(LlamaVariant::modelType).toList();
    }

    @Override
    public ModelConfig parseConfig(JsonObject config) {
        return LlamaConfig.fromHfJson(config);
    }

    @Override
    public CausalLm load(ModelConfig config, TensorSource weights, NDManager parent)
            throws IOException {
        return LlamaWeights.load((LlamaConfig) config, weights, parent);
    }

    @Override
    public Map<String, long[]> weightShapes(ModelConfig config) {
        return LlamaWeights.expectedShapes((LlamaConfig) config);
    }

    @Override
    public boolean owns(CausalLm model) {
        return model instanceof LlamaModel;
    }

    @Override
    public JsonObject configJson(CausalLm model) {
        return ((LlamaModel) model).config().toHfJson();
    }

    /**
     * Llama, Qwen2 and Mistral configs carry {@code head_dim}, so fewer query and key/value heads
     * are a standard config when every layer keeps the same numbers and every kept group the same
     * number of query heads (the plain class maps query head i to key/value head i / (heads per
     * group)).
     */
    @Override
    public CompactConfig compactConfigJson(CausalLm model) {
        LlamaConfig config = ((LlamaModel) model).config();
        int perGroup = config.numHeads() / config.numKvHeads();
        java.util.List<String> shapes = new java.util.ArrayList<>();
        java.util.Set<String> distinct = new java.util.TreeSet<>();
        int heads = -1;
        int groups = -1;
        for (int layer = 0; layer < config.numLayers(); layer++) {
            java.util.Map<Integer, Integer> perGroupCount = new java.util.TreeMap<>();
            for (int h : config.headsPresent(layer)) {
                perGroupCount.merge(h / perGroup, 1, Integer::sum);
            }
            java.util.Set<Integer> counts = new java.util.TreeSet<>(perGroupCount.values());
            String shape =
                    "layer "
                            + layer
                            + ": "
                            + config.headsPresent(layer).length
                            + " heads in "
                            + perGroupCount.size()
                            + " groups "
                            + perGroupCount.values();
            shapes.add(shape);
            if (counts.size() > 1) {
                distinct.add("uneven groups");
            }
            heads = config.headsPresent(layer).length;
            groups = perGroupCount.size();
            distinct.add(heads + "/" + groups);
        }
        if (distinct.size() != 1) {
            throw new NonUniformHeadsException(
                    "hf-compact needs the same heads in every layer and in every kept group; this model has "
                            + String.join("; ", shapes));
        }
        JsonObject json = config.toHfJson();
        json.remove(LlamaConfig.PRUNED_HEADS_KEY);
        json.addProperty("num_attention_heads", heads);
        json.addProperty("num_key_value_heads", groups);
        json.addProperty("head_dim", config.headDim());
        return new CompactConfig(
                json,
                "a standard config: "
                        + heads
                        + " query heads in "
                        + groups
                        + " key/value groups per layer, head_dim "
                        + config.headDim());
    }

    @Override
    public Map<String, Parameter> weightsByName(CausalLm model) {
        return LlamaWeights.byHfName((LlamaModel) model);
    }

    @Override
    public List<Preset> presets() {
        return Arrays.stream(LlamaPreset.values())
                .<Preset>map(p -> new PresetShape(p, null))
                .toList();
    }

    /**
     * A {@link LlamaPreset} with optional shape overrides; {@code kvHeads} null keeps the preset's
     * key/value groups.
     */
    private record PresetShape(LlamaPreset preset, Integer kvHeads) implements Preset {
        @Override
        public String name() {
            return preset.displayName();
        }

        @Override
        public List<String> pretrainedIds() {
            return switch (preset) {
                case LLAMA_NANO -> List.of();
                case SMOLLM2_135M -> List.of("HuggingFaceTB/SmolLM2-135M");
            };
        }

        @Override
        public int numHeads() {
            return preset.numHeads();
        }

        @Override
        public Optional<Preset> withKvHeads(int numKvHeads) {
            return Optional.of(new PresetShape(preset, numKvHeads));
        }

        @Override
        public CausalLm initialize(
                int vocabSize,
                Integer numLayers,
                Integer numHeads,
                Integer width,
                NDManager parent,
                long seed,
                DataType dtype) {
            return LlamaModel.initialize(
                    preset.config(vocabSize, numLayers, numHeads, kvHeads, width),
                    parent,
                    seed,
                    dtype);
        }
    }
}
