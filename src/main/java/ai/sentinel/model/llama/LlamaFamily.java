package ai.sentinel.model.llama;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.io.TensorData;
import ai.sentinel.io.TensorSource;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Family;
import ai.sentinel.model.ModelConfig;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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

    @Override
    public Map<String, TensorData> exportWeights(CausalLm model) {
        return LlamaWeights.export((LlamaModel) model);
    }

    @Override
    public List<Preset> presets() {
        return Arrays.stream(LlamaPreset.values()).<Preset>map(PresetShape::new).toList();
    }

    /** A {@link LlamaPreset} with optional shape overrides. */
    private record PresetShape(LlamaPreset preset) implements Preset {
        @Override
        public String name() {
            return preset.displayName();
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
                    preset.config(vocabSize, numLayers, numHeads, width), parent, seed, dtype);
        }
    }
}
