package ai.sentinel.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a user names as the model: a preset to build from scratch (optionally reshaped), or a saved
 * Hugging Face model folder. Resolved once, before any work, with a message that says what was
 * accepted.
 */
public sealed interface ModelSource {
    /** A preset shape with random weights; {@code null} overrides keep the preset's value. */
    record Preset(Family.Preset preset, Integer numLayers, Integer numHeads, Integer width)
            implements ModelSource {
        @Override
        public CausalLm load(NDManager manager, int vocabSize, long seed) {
            return preset.initialize(vocabSize, numLayers, numHeads, width, manager, seed);
        }
    }

    /** A model folder ({@code config.json}, weights, tokenizer files). */
    record Folder(Path folder) implements ModelSource {
        @Override
        public CausalLm load(NDManager manager, int vocabSize, long seed) throws IOException {
            CausalLm loaded = ModelFiles.load(folder, manager);
            if (loaded.config().vocabSize() < vocabSize) {
                loaded.close();
                throw new IOException(
                        "model folder "
                                + folder
                                + " has a vocabulary of "
                                + loaded.config().vocabSize()
                                + " but its tokenizer produces ids up to "
                                + (vocabSize - 1));
            }
            return loaded;
        }
    }

    /**
     * The model: a fresh one for a preset (the vocabulary from the tokenizer, weights from the
     * seed), or the saved one, checked against the tokenizer's vocabulary.
     */
    CausalLm load(NDManager manager, int vocabSize, long seed) throws IOException;

    /** As {@link #of(String, String, HubCache)} at revision main in the environment's hub cache. */
    static ModelSource of(String name) throws IOException {
        return of(name, "main", HubCache.fromEnvironment());
    }

    /**
     * Resolves what a user typed: a preset of any family ('-' and case ignored), an existing
     * folder, or a Hugging Face model id ({@code distilgpt2}, {@code facebook/opt-125m}) found in
     * the local hub cache at {@code revision}.
     */
    static ModelSource of(String name, String revision, HubCache hub) throws IOException {
        Optional<Family.Preset> preset = Families.preset(name);
        if (preset.isPresent()) {
            return new Preset(preset.get(), null, null, null);
        }
        Path folder = Path.of(name);
        if (Files.isDirectory(folder)) {
            return new Folder(folder);
        }
        if (!HubCache.isModelId(name)) {
            throw new IOException(
                    "--model "
                            + name
                            + " is neither a preset ("
                            + String.join(", ", Families.presetNames())
                            + "), an existing model folder, nor a Hugging Face model id");
        }
        try {
            return new Folder(hub.resolve(name, revision));
        } catch (IOException e) {
            throw new IOException(
                    "--model "
                            + name
                            + " is neither a preset ("
                            + String.join(", ", Families.presetNames())
                            + ") nor an existing model folder, and "
                            + e.getMessage());
        }
    }
}
