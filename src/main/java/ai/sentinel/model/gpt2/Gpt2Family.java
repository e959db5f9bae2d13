package ai.sentinel.model.gpt2;

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
import java.util.Locale;
import java.util.Map;

/**
 * GPT-2 and the models that share its layout (DistilGPT-2, GPT-2 medium/large/XL): {@code
 * model_type} gpt2.
 */
public final class Gpt2Family implements Family {
    public static final Gpt2Family INSTANCE = new Gpt2Family();

    private Gpt2Family() {}

    @Override
    public String name() {
        return "GPT-2";
    }

    @Override
    public List<String> modelTypes() {
        return List.of("gpt2");
    }

    @Override
    public ModelConfig parseConfig(JsonObject config) {
        return Gpt2Config.fromHfJson(config);
    }

    @Override
    public CausalLm load(ModelConfig config, TensorSource weights, NDManager parent)
            throws IOException {
        return Gpt2Weights.load((Gpt2Config) config, weights, parent);
    }

    @Override
    public Map<String, long[]> weightShapes(ModelConfig config) {
        return Gpt2Weights.expectedShapes((Gpt2Config) config);
    }

    @Override
    public boolean owns(CausalLm model) {
        return model instanceof Gpt2Model;
    }

    @Override
    public JsonObject configJson(CausalLm model) {
        return ((Gpt2Model) model).config().toHfJson();
    }

    /** GPT-2's width is tied to its head count, so smaller heads are recorded as pruned_heads. */
    @Override
    public CompactConfig compactConfigJson(CausalLm model) {
        return new CompactConfig(
                configJson(model),
                "GPT-2 ties its width to its head count, so removed heads are listed in pruned_heads, which"
                        + " transformers v4 reads (GPT2LMHeadModel prunes them on load) and v5 no longer"
                        + " does: use hf-masked for v5");
    }

    @Override
    public Map<String, Parameter> weightsByName(CausalLm model) {
        return Gpt2Weights.byHfName((Gpt2Model) model);
    }

    @Override
    public List<Preset> presets() {
        return Arrays.stream(Gpt2Preset.values()).<Preset>map(PresetShape::new).toList();
    }

    /** A {@link Gpt2Preset} with optional shape overrides. */
    private record PresetShape(Gpt2Preset preset) implements Preset {
        @Override
        public String name() {
            return preset.name().toLowerCase(Locale.ROOT);
        }

        @Override
        public List<String> pretrainedIds() {
            return switch (preset) {
                case NANO -> List.of();
                case DISTILGPT2 -> List.of("distilgpt2", "distilbert/distilgpt2");
                case GPT2 -> List.of("gpt2", "openai-community/gpt2");
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
            Gpt2Config base = preset.config(vocabSize);
            return Gpt2Model.initialize(
                    Gpt2Config.of(
                            base.vocabSize(),
                            base.maxPositions(),
                            numLayers != null ? numLayers : base.numLayers(),
                            numHeads != null ? numHeads : base.numHeads(),
                            width != null ? width : base.width()),
                    parent,
                    seed,
                    dtype);
        }
    }
}
