package ai.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.sentinel.eval.Generator;
import ai.sentinel.eval.SamplingConfig;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.model.gpt2.Gpt2Preset;
import ai.sentinel.tokenizer.ByteTokenizer;
import ai.sentinel.tokenizer.HfTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library example, verbatim but for the folder, so it keeps compiling and running. */
class ReadmeExampleTest {
    @Test
    void theReadmeExampleRuns(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("model");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm fresh = Gpt2Model.initialize(Gpt2Preset.NANO.config(256), m, 1)) {
            ModelFiles.save(fresh, folder);
            new ByteTokenizer().save(folder);
        }
        String text;
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model = ModelFiles.load(folder, manager);
                HfTokenizer tokenizer = HfTokenizer.load(folder)) {
            model.gates().setMasked(new HeadId(2, 1), true); // mask head 1 of layer 2 (revivable)
            Generator.Result out =
                    Generator.generate(
                            model,
                            tokenizer.encode("ROMEO:"),
                            new SamplingConfig(0.8f, 40, 0.95f, 100, 42, true),
                            tokenizer.endOfText());
            text = tokenizer.decode(out.tokens());
            assertEquals(100, out.tokens().length);
            assertEquals(15, model.gates().numActive());
        }
        assertEquals(false, text.isEmpty());
    }
}
