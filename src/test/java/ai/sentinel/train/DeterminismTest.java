package ai.sentinel.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.model.gpt2.Gpt2Preset;
import ai.sentinel.testing.Fixtures;
import ai.sentinel.tokenizer.ByteTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed gives the same run, bit for bit, whatever the garbage collector does. (Arrays
 * backed by Java memory once made runs differ, and diverge, depending on when GC ran; see {@code
 * EngineArrays}.)
 */
class DeterminismTest {
    private static final int STEPS = 40;

    @Test
    void theSameSeedGivesBitIdenticalLossesWithOrWithoutGarbageCollection(@TempDir Path dir)
            throws Exception {
        String text = Fixtures.shakespeare();
        TextDataset data =
                TextDataset.split(new ByteTokenizer().encode(text.substring(0, 200_000)), 64, 0.1);
        assertArrayEquals(
                losses(data, false, dir.resolve("a")), losses(data, true, dir.resolve("b")));
    }

    private static float[] losses(TextDataset data, boolean collectGarbage, Path checkpoint)
            throws Exception {
        float[] losses = new float[STEPS];
        TrainConfig config =
                new TrainConfig(
                        STEPS,
                        8,
                        new LrSchedule(1e-3f, 10, STEPS, LrSchedule.Decay.COSINE, 0.1f),
                        AdamWConfig.defaults(),
                        1.0f,
                        0,
                        2,
                        0,
                        42,
                        false);
        StepListener listener =
                new StepListener() {
                    @Override
                    public void onStep(StepStats s) {
                        losses[(int) s.step() - 1] = s.loss();
                        if (collectGarbage) {
                            System.gc();
                        }
                    }
                };
        try (NDManager manager = NDManager.newBaseManager();
                Gpt2Model model = Gpt2Model.initialize(Gpt2Preset.NANO.config(256), manager, 1);
                Trainer trainer = new Trainer(model, data, config, listener)) {
            trainer.run(checkpoint, folder -> {});
        }
        return losses;
    }
}
