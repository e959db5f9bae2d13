package ai.sentinel.model.opt;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.io.TensorSource;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Family;
import ai.sentinel.model.ModelConfig;
import ai.sentinel.nn.Parameter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Meta's OPT models (OPT-125m … OPT-66b, in Hugging Face's layout): {@code model_type} opt. */
public final class OptFamily implements Family {
    public static final OptFamily INSTANCE = new OptFamily();

    private OptFamily() {}

    @Override
    public String name() {
        return "OPT";
    }

    @Override
    public List<String> modelTypes() {
        return List.of("opt");
    }

    @Override
    public ModelConfig parseConfig(JsonObject config) {
        return OptConfig.fromHfJson(config);
    }

    @Override
    public CausalLm load(ModelConfig config, TensorSource weights, NDManager parent)
            throws IOException {
        return OptWeights.load((OptConfig) config, weights, parent);
    }

    @Override
    public Map<String, long[]> weightShapes(ModelConfig config) {
        return OptWeights.expectedShapes((OptConfig) config);
    }

    @Override
    public boolean owns(CausalLm model) {
        return model instanceof OptModel;
    }

    @Override
    public JsonObject configJson(CausalLm model) {
        return ((OptModel) model).config().toHfJson();
    }

    @Override
    public CompactConfig compactConfigJson(CausalLm model) {
        throw new IllegalArgumentException(
                "a standard OPT config cannot hold fewer heads: OPTAttention takes its head size as"
                        + " hidden_size / num_attention_heads and its projections as hidden_size wide, and it"
                        + " has no pruned_heads; use hf-masked");
    }

    @Override
    public Map<String, Parameter> weightsByName(CausalLm model) {
        return OptWeights.byHfName((OptModel) model);
    }

    @Override
    public List<Preset> presets() {
        return Arrays.stream(OptPreset.values()).<Preset>map(PresetShape::new).toList();
    }

    /** An {@link OptPreset} with optional shape overrides. */
    private record PresetShape(OptPreset preset) implements Preset {
        @Override
        public String name() {
            return preset.presetName();
        }

        @Override
        public List<String> pretrainedIds() {
            return switch (preset) {
                case OPT_NANO -> List.of();
                case OPT_125M -> List.of("facebook/opt-125m");
            };
        }

        @Override
        public int numHeads() {
            return preset.numHeads();
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
            OptConfig base = preset.config(vocabSize);
            return OptModel.initialize(
                    base.reshaped(
                            numLayers != null ? numLayers : base.numLayers(),
                            numHeads != null ? numHeads : base.numHeads(),
                            width != null ? width : base.width()),
                    parent,
                    seed,
                    dtype);
        }
    }
}
