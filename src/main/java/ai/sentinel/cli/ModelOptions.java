package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.model.gpt2.Gpt2Preset;
import ai.sentinel.tokenizer.ByteTokenizer;
import ai.sentinel.tokenizer.HfTokenizer;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --model} (a preset or a Hugging Face model folder) and {@code --tokenizer}. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "PRESET|DIR",
            description = "A preset to train from scratch (nano, distilgpt2, gpt2) or a Hugging Face GPT-2 model"
                    + " folder (config.json + model.safetensors).")
    String model;

    @Option(names = "--tokenizer", paramLabel = "byte|DIR",
            description = "For presets: 'byte' (256 byte symbols, the default) or a folder with tokenizer.json"
                    + " (or vocab.json + merges.txt). A model folder uses its own tokenizer.")
    String tokenizer;

    @Option(names = "--n-layer", paramLabel = "N", description = "For presets: layers instead of the preset's.")
    Integer numLayers;

    @Option(names = "--n-head", paramLabel = "N", description = "For presets: heads per layer instead of the preset's.")
    Integer numHeads;

    @Option(names = "--n-embd", paramLabel = "N",
            description = "For presets: width instead of the preset's (a multiple of the heads per layer).")
    Integer width;

    /** The preset named by {@code --model}, if it names one. */
    Optional<Gpt2Preset> preset() {
        return Arrays.stream(Gpt2Preset.values())
                .filter(p -> p.name().equalsIgnoreCase(model.replace("-", "")))
                .findFirst();
    }

    Path folder() throws IOException {
        if (numLayers != null || numHeads != null || width != null) {
            throw new IllegalArgumentException("--n-layer, --n-head and --n-embd apply to presets only; model folder "
                    + model + " has its own shape");
        }
        Path folder = Path.of(model);
        if (!Files.isDirectory(folder)) {
            throw new IOException("--model " + model + " is neither a preset (nano, distilgpt2, gpt2) nor an existing"
                    + " model folder");
        }
        return folder;
    }

    Tokenizer loadTokenizer() throws IOException {
        if (preset().isPresent()) {
            if (tokenizer == null || tokenizer.toLowerCase(Locale.ROOT).equals("byte")) {
                return new ByteTokenizer();
            }
            return HfTokenizer.load(Path.of(tokenizer));
        }
        if (tokenizer != null) {
            throw new IllegalArgumentException("--tokenizer applies to presets only; model folder " + model
                    + " uses its own tokenizer.json");
        }
        return HfTokenizer.load(folder());
    }

    /** A fresh model for a preset (vocabulary from the tokenizer, weights from the seed), or the saved model. */
    CausalLm load(NDManager manager, Tokenizer tok, long seed) throws IOException {
        Optional<Gpt2Preset> p = preset();
        if (p.isPresent()) {
            return Gpt2Model.initialize(shaped(p.get().config(tok.vocabSize())), manager, seed);
        }
        CausalLm loaded = ModelFiles.load(folder(), manager);
        if (loaded.config().vocabSize() < tok.vocabSize()) {
            loaded.close();
            throw new IOException("model folder " + model + " has a vocabulary of " + loaded.config().vocabSize()
                    + " but its tokenizer produces ids up to " + (tok.vocabSize() - 1));
        }
        return loaded;
    }

    private Gpt2Config shaped(Gpt2Config preset) {
        return Gpt2Config.of(preset.vocabSize(), preset.maxPositions(),
                numLayers != null ? numLayers : preset.numLayers(), numHeads != null ? numHeads : preset.numHeads(),
                width != null ? width : preset.width());
    }
}
