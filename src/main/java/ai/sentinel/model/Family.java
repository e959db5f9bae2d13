package ai.sentinel.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.io.StoredTensor;
import ai.sentinel.io.TensorSource;
import ai.sentinel.nn.Parameter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model family: one package under {@code model/} that knows its {@code config.json}, its weight
 * names and layout, and its presets. Nothing outside the package names its classes; everything else
 * goes through this interface and {@link Families}.
 */
public interface Family {
    /** The family's name, as users and logs say it. */
    String name();

    /**
     * The Hugging Face {@code model_type} values this family reads (e.g. llama, mistral, qwen2).
     */
    List<String> modelTypes();

    /**
     * Parses a Hugging Face {@code config.json}; bad or unsupported values are {@link
     * IllegalArgumentException}s.
     */
    ModelConfig parseConfig(JsonObject config);

    /**
     * Builds the model of {@code config} from tensors with the family's names (one file or the
     * shards of one).
     */
    CausalLm load(ModelConfig config, TensorSource weights, NDManager parent) throws IOException;

    /**
     * The shape of every weight {@link #load} expects, under its Hugging Face name in model order,
     * from the config alone (to write a checkpoint of a shape without building the model).
     */
    Map<String, long[]> weightShapes(ModelConfig config);

    /** Whether {@code model} is one of this family's. */
    boolean owns(CausalLm model);

    /**
     * The {@code config.json} a Hugging Face loader reads for {@code model} (with its current
     * shape).
     */
    JsonObject configJson(CausalLm model);

    /**
     * A standard {@code config.json} for {@code model} as it is now, removed heads gone, that the
     * family's plain Hugging Face class loads at these smaller shapes with no Sentinel key; {@code
     * note} says what a user must know (for example which transformers versions read it).
     *
     * @throws NonUniformHeadsException when the config needs equal head counts and layers or groups
     *     differ (a uniform shape would fit)
     * @throws IllegalArgumentException with the reason when the family's standard config cannot
     *     express the model's head counts at all
     */
    CompactConfig compactConfigJson(CausalLm model);

    /** A standard config for a physically smaller model, and what to know about it. */
    record CompactConfig(JsonObject json, String note) {}

    /** The model's weights under their Hugging Face names, in the family's file order. */
    Map<String, Parameter> weightsByName(CausalLm model);

    /** The weights under their Hugging Face names, as F32, written from where they live. */
    default Map<String, StoredTensor> exportWeights(CausalLm model) {
        return StoredArray.of(weightsByName(model));
    }

    /** Shapes to train from scratch, by the names users type. */
    List<Preset> presets();

    /**
     * A named shape with random weights drawn from a seed; the vocabulary comes from the tokenizer.
     */
    interface Preset {
        String name();

        /**
         * The Hugging Face ids of the pretrained model this preset copies the shape of, the
         * canonical one first ({@code distilgpt2}, {@code distilbert/distilgpt2}); empty for toy
         * shapes. A bare name of such a preset means the pretrained model, never the random shape
         * ({@link ModelSource}).
         */
        default List<String> pretrainedIds() {
            return List.of();
        }

        /** Query heads per layer in the preset's own shape. */
        int numHeads();

        /**
         * The preset with {@code numKvHeads} key/value groups per layer, each shared by {@code
         * heads / numKvHeads} query heads (grouped-query attention); empty for families whose
         * attention has one key and value per head. The caller checks that the count divides the
         * heads.
         */
        default Optional<Preset> withKvHeads(int numKvHeads) {
            return Optional.empty();
        }

        /**
         * A freshly initialised model; {@code null} overrides keep the preset's layers, heads or
         * width.
         */
        default CausalLm initialize(
                int vocabSize,
                Integer numLayers,
                Integer numHeads,
                Integer width,
                NDManager parent,
                long seed) {
            return initialize(
                    vocabSize, numLayers, numHeads, width, parent, seed, DataType.FLOAT32);
        }

        /**
         * As {@link #initialize(int, Integer, Integer, Integer, NDManager, long)} in another
         * precision (FLOAT64 for gradient checks against finite differences); the same seed draws
         * the same weights in every precision.
         */
        CausalLm initialize(
                int vocabSize,
                Integer numLayers,
                Integer numHeads,
                Integer width,
                NDManager parent,
                long seed,
                DataType dtype);
    }
}
