package ai.sentinel.model;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.model.gpt2.Gpt2Preset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a user names as the model: a preset to build from scratch (optionally reshaped), or a saved Hugging Face model
 * folder. Resolved once, before any work, with a message that says what was accepted.
 */
public sealed interface ModelSource {
    /** A preset shape with random weights; {@code null} overrides keep the preset's value. */
    record Preset(Gpt2Preset preset, Integer numLayers, Integer numHeads, Integer width) implements ModelSource {
        /** The preset's shape for a vocabulary, with the overrides applied. */
        public Gpt2Config config(int vocabSize) {
            Gpt2Config base = preset.config(vocabSize);
            return Gpt2Config.of(base.vocabSize(), base.maxPositions(),
                    numLayers != null ? numLayers : base.numLayers(), numHeads != null ? numHeads : base.numHeads(),
                    width != null ? width : base.width());
        }

        @Override
        public CausalLm load(NDManager manager, int vocabSize, long seed) {
            return Gpt2Model.initialize(config(vocabSize), manager, seed);
        }
    }

    /** A model folder ({@code config.json}, weights, tokenizer files). */
    record Folder(Path folder) implements ModelSource {
        @Override
        public CausalLm load(NDManager manager, int vocabSize, long seed) throws IOException {
            CausalLm loaded = ModelFiles.load(folder, manager);
            if (loaded.config().vocabSize() < vocabSize) {
                loaded.close();
                throw new IOException("model folder " + folder + " has a vocabulary of "
                        + loaded.config().vocabSize() + " but its tokenizer produces ids up to " + (vocabSize - 1));
            }
            return loaded;
        }
    }

    /**
     * The model: a fresh one for a preset (the vocabulary from the tokenizer, weights from the seed), or the saved
     * one, checked against the tokenizer's vocabulary.
     */
    CausalLm load(NDManager manager, int vocabSize, long seed) throws IOException;

    /** Resolves a preset name ({@code nano}, {@code distilgpt2}, {@code gpt2}; '-' ignored) or an existing folder. */
    static ModelSource of(String name) throws IOException {
        Optional<Gpt2Preset> preset = Arrays.stream(Gpt2Preset.values())
                .filter(p -> p.name().equalsIgnoreCase(name.replace("-", "")))
                .findFirst();
        if (preset.isPresent()) {
            return new Preset(preset.get(), null, null, null);
        }
        Path folder = Path.of(name);
        if (!Files.isDirectory(folder)) {
            throw new IOException("--model " + name + " is neither a preset (" + presetNames()
                    + ") nor an existing model folder");
        }
        return new Folder(folder);
    }

    /** The preset names, as users type them. */
    static String presetNames() {
        return Arrays.stream(Gpt2Preset.values()).map(p -> p.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }
}
