package ai.sentinel.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a user names as the model: a preset to build from scratch (optionally reshaped), or a saved
 * Hugging Face model folder. Resolved once, before any work, with a message that says what was
 * accepted.
 */
public sealed interface ModelSource {
    /**
     * A preset shape with random weights; {@code null} overrides keep the preset's value. A
     * key/value group count must divide the heads per layer, and only a family with grouped-query
     * attention takes one other than the head count.
     */
    record Preset(
            Family.Preset preset,
            Integer numLayers,
            Integer numHeads,
            Integer numKvHeads,
            Integer width)
            implements ModelSource {
        public Preset {
            if (numKvHeads != null) {
                int heads = numHeads != null ? numHeads : preset.numHeads();
                if (numKvHeads < 1 || heads % numKvHeads != 0) {
                    throw new IllegalArgumentException(
                            "--n-kv-head must divide the "
                                    + heads
                                    + " heads per layer ("
                                    + IntStream.rangeClosed(1, heads)
                                            .filter(g -> heads % g == 0)
                                            .mapToObj(Integer::toString)
                                            .collect(Collectors.joining(", "))
                                    + "), got "
                                    + numKvHeads);
                }
                if (numKvHeads != heads && preset.withKvHeads(numKvHeads).isEmpty()) {
                    throw new IllegalArgumentException(
                            "--n-kv-head "
                                    + numKvHeads
                                    + ": preset "
                                    + preset.name()
                                    + " gives every head its own keys and values (give "
                                    + heads
                                    + " or leave it out); key/value groups need a Llama-family"
                                    + " preset ("
                                    + Families.groupedQueryPresetNames()
                                    + ")");
                }
            }
        }

        @Override
        public CausalLm load(NDManager manager, int vocabSize, long seed) {
            Family.Preset shaped =
                    numKvHeads == null ? preset : preset.withKvHeads(numKvHeads).orElse(preset);
            return shaped.initialize(vocabSize, numLayers, numHeads, width, manager, seed);
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
            return new Preset(preset.get(), null, null, null, null);
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
