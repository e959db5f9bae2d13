package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.OutputFolder;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HubCache;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.ModelSource;
import ai.sentinel.nn.Devices;
import ai.sentinel.tokenizer.ByteTokenizer;
import ai.sentinel.tokenizer.HfTokenizer;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --model} (a preset or a Hugging Face model folder) and {@code --tokenizer}. */
final class ModelOptions {
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "PRESET|DIR|ID",
            completionCandidates = PresetNames.class,
            description =
                    "A Hugging Face GPT-2, OPT or Llama-family (llama, qwen2, mistral) model folder (config.json +"
                            + " model.safetensors, or its shards), or a model id (distilgpt2, gpt2, facebook/opt-125m)"
                            + " found in the local Hugging Face cache ($HF_HUB_CACHE, else $HF_HOME/hub, else"
                            + " ~/.cache/huggingface/hub); a name always means the pretrained model, and nothing is"
                            + " downloaded. preset:NAME is a shape with random weights (${COMPLETION-CANDIDATES});"
                            + " nano, llama-nano and opt-nano may be typed bare.")
    String model;

    @Option(
            names = "--revision",
            defaultValue = "main",
            paramLabel = "REV",
            description =
                    "For a model id: the branch, tag or commit in the hub cache. Default: ${DEFAULT-VALUE}.")
    String revision;

    /** {@code --device}'s help, for the commands that declare it apart from this mixin. */
    static final String DEVICE_HELP =
            "Where the model's arrays live: cpu, or gpu (gpu:N) with --engine cuda on a machine"
                    + " with an NVIDIA GPU and driver. Default: ${DEFAULT-VALUE}.";

    @Option(
            names = "--device",
            defaultValue = "cpu",
            paramLabel = "cpu|gpu",
            description = DEVICE_HELP)
    String device;

    @Option(
            names = "--tokenizer",
            paramLabel = "byte|DIR",
            description =
                    "For presets: 'byte' (256 byte symbols, the default) or a folder with tokenizer.json"
                            + " (or vocab.json + merges.txt). A model folder uses its own tokenizer.")
    String tokenizer;

    @Option(
            names = "--n-layer",
            paramLabel = "N",
            description = "For presets: layers instead of the preset's.")
    Integer numLayers;

    @Option(
            names = "--n-head",
            paramLabel = "N",
            description = "For presets: heads per layer instead of the preset's.")
    Integer numHeads;

    @Option(
            names = "--n-kv-head",
            paramLabel = "N",
            description =
                    "For Llama-family presets: key/value groups per layer (grouped-query"
                            + " attention), dividing the heads per layer. Default: the preset's.")
    Integer numKvHeads;

    @Option(
            names = "--n-embd",
            paramLabel = "N",
            description =
                    "For presets: width instead of the preset's (a multiple of the heads per layer).")
    Integer width;

    /** A manager on the {@code --device} device, for the model and everything computed with it. */
    NDManager newManager() {
        return NDManager.newBaseManager(Devices.parse(device));
    }

    /**
     * What {@code --model} names, with the shape overrides applied to a preset (refused for a
     * folder).
     */
    ModelSource source() throws IOException {
        ModelSource source = ModelSource.of(model, revision, HubCache.fromEnvironment());
        if (source instanceof ModelSource.Preset p) {
            return new ModelSource.Preset(p.preset(), numLayers, numHeads, numKvHeads, width);
        }
        if (numLayers != null || numHeads != null || numKvHeads != null || width != null) {
            throw new IllegalArgumentException(
                    "--n-layer, --n-head, --n-kv-head and --n-embd apply to presets only; model"
                            + " folder "
                            + model
                            + " has its own shape");
        }
        return source;
    }

    /**
     * The model folder {@code --model} names; a preset is refused where a trained model is needed.
     */
    Path folder() throws IOException {
        if (source() instanceof ModelSource.Folder f) {
            return f.folder();
        }
        throw new IllegalArgumentException(
                "--model " + model + " is a preset; this command needs a saved model" + " folder");
    }

    /**
     * Refuses an output folder that is, contains or lies inside the model folder read, even with
     * --force: writing there would replace the model being read. A preset reads no folder.
     */
    void requireApartFrom(Path out, String what) throws IOException {
        if (source() instanceof ModelSource.Folder f) {
            OutputFolder.requireApart(out, what, f.folder(), "--model " + model);
        }
    }

    boolean isPreset() throws IOException {
        return source() instanceof ModelSource.Preset;
    }

    Tokenizer loadTokenizer() throws IOException {
        if (source() instanceof ModelSource.Folder f) {
            if (tokenizer != null) {
                throw new IllegalArgumentException(
                        "--tokenizer applies to presets only; model folder "
                                + model
                                + " uses its own tokenizer.json");
            }
            ModelFiles.readConfig(
                    f.folder()); // a broken config.json is named before a missing tokenizer
            return HfTokenizer.load(f.folder());
        }
        if (tokenizer == null || tokenizer.toLowerCase(Locale.ROOT).equals("byte")) {
            return new ByteTokenizer();
        }
        return HfTokenizer.load(Path.of(tokenizer));
    }

    /**
     * A fresh model for a preset (vocabulary from the tokenizer, weights from the seed), or the
     * saved model.
     */
    CausalLm load(NDManager manager, Tokenizer tok, long seed) throws IOException {
        ModelSource source = source();
        if (source instanceof ModelSource.Preset p) {
            // the first line of output, so nobody mistakes a random shape for the pretrained model
            // of that name (standard output: errors keep standard error to their one line)
            System.out.println(
                    "random weights: preset "
                            + p.preset().name()
                            + ", seed "
                            + seed
                            + " (not a pretrained model)");
        }
        return source.load(manager, tok.vocabSize(), seed);
    }
}
