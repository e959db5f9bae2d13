package ai.sentinel.cli;

import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Saves a model folder with its tokenizer, and says so when the folder computes differently outside
 * Sentinel.
 */
final class ModelOutput {
    private ModelOutput() {}

    static void save(CausalLm model, Tokenizer tokenizer, Path folder) throws IOException {
        ModelFiles.save(model, folder);
        tokenizer.save(folder);
        List<HeadId> warming = model.gates().partiallyOpen();
        if (!warming.isEmpty()) {
            System.err.printf(
                    "note: %s saved with %d head(s) still warming up (gate between 0 and 1: %s). Sentinel"
                            + " reloads the gates from sentinel_heads.safetensors; Hugging Face loaders ignore them and"
                            + " compute these heads at full strength, a different function. Train further (a cycle's"
                            + " learning phase completes the warm-up) before sharing the folder.%n",
                    folder, warming.size(), describe(model, warming));
        }
    }

    private static String describe(CausalLm model, List<HeadId> heads) {
        StringBuilder text = new StringBuilder();
        for (HeadId h : heads.subList(0, Math.min(heads.size(), 8))) {
            text.append(text.length() == 0 ? "" : ", ")
                    .append(h)
                    .append(String.format(" at %.2f", model.gates().gateValue(h)));
        }
        return heads.size() > 8 ? text + ", ..." : text.toString();
    }
}
