package ai.sentinel.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
     * Asks for a preset's shape with random weights, whatever the cache holds: {@code preset:gpt2}.
     */
    String PRESET_PREFIX = "preset:";

    /**
     * Resolves what a user typed. {@code preset:NAME} is a preset's shape with random weights. Any
     * other name is an existing folder, else a model in the local hub cache at {@code revision}: a
     * Hugging Face id ({@code facebook/opt-125m}) or the bare name of a preset shaped after a
     * pretrained model ({@code distilgpt2}, {@code gpt2}, {@code opt-125m}, {@code smollm2-135m}),
     * which always means the pretrained model, never random weights. Toy presets without a
     * pretrained namesake ({@code nano}, {@code llama-nano}, {@code opt-nano}) are also typed bare.
     */
    static ModelSource of(String name, String revision, HubCache hub) throws IOException {
        if (name.startsWith(PRESET_PREFIX)) {
            String shape = name.substring(PRESET_PREFIX.length());
            return new Preset(
                    Families.preset(shape)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "--model "
                                                            + name
                                                            + ": no preset "
                                                            + shape
                                                            + " (presets: "
                                                            + String.join(
                                                                    ", ", Families.presetNames())
                                                            + ")")),
                    null,
                    null,
                    null,
                    null);
        }
        Path folder = Path.of(name);
        if (Files.isDirectory(folder)) {
            return new Folder(folder);
        }
        Optional<Family.Preset> preset = Families.preset(name);
        if (preset.isPresent() && preset.get().pretrainedIds().isEmpty()) {
            return new Preset(preset.get(), null, null, null, null);
        }
        if (preset.isPresent()) {
            return pretrained(name, preset.get().pretrainedIds(), revision, hub);
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

    /**
     * The cached pretrained model a preset's bare name means, under any of its ids; when none is
     * cached, one line saying where Sentinel looked, how to fetch it and how to ask for the random
     * shape instead.
     */
    private static ModelSource pretrained(
            String name, List<String> ids, String revision, HubCache hub) throws IOException {
        IOException first = null;
        for (String id : ids) {
            try {
                return new Folder(hub.resolve(id, revision));
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        throw new IOException(
                "--model "
                        + name
                        + " means the pretrained "
                        + String.join(" (or ", ids)
                        + (ids.size() > 1 ? ")" : "")
                        + ", and "
                        + first.getMessage()
                        + "; for a randomly initialised model of its shape give --model "
                        + PRESET_PREFIX
                        + name);
    }
}
