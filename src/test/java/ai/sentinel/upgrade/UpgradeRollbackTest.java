package ai.sentinel.upgrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.sentinel.data.Batch;
import ai.sentinel.data.BatchSampler;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.StoredTensor;
import ai.sentinel.io.TensorData;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.HeadId;
import ai.sentinel.nn.Parameter;
import ai.sentinel.testing.Fixtures;
import ai.sentinel.tokenizer.ByteTokenizer;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import ai.sentinel.train.TrainingStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolled-back cycle leaves nothing behind: the model's weights, gates and masks and the
 * optimizer's moments, rate scales and step count are bit-identical to the cycle's start.
 */
class UpgradeRollbackTest {
    private static final ByteTokenizer BYTES = new ByteTokenizer();

    private static TextDataset data() {
        return TextDataset.split(BYTES.encode(Fixtures.shakespeare(40_000)), 32, 0.2);
    }

    private static CausalLm trainedTinyModel(NDManager manager, TextDataset data, Path dir)
            throws Exception {
        CausalLm model =
                Families.preset("nano").orElseThrow().initialize(256, 2, 4, 32, manager, 3);
        try (Trainer trainer =
                new Trainer(
                        model,
                        data,
                        TrainConfig.cosine(60, 8, 3e-3f, 5, 2, 1),
                        StepListener.NONE)) {
            trainer.run(dir.resolve("train"), f -> {});
        }
        return model;
    }

    @Test
    void restoringACycleStartPutsModelAndOptimizerBackBitForBit(@TempDir Path dir)
            throws Exception {
        TextDataset data = data();
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model = trainedTinyModel(manager, data, dir);
                AdamW optimizer =
                        new AdamW(model.parameters(), AdamWConfig.defaults(), model.manager());
                TrainingStep step = new TrainingStep(model, optimizer, 1f)) {
            BatchSampler batches =
                    new BatchSampler(data.train(), 4, 7, new BatchSampler.Position(0, 0));
            step.apply(batches.next(), 1e-3f, 0); // non-zero moments
            try (NDScope scope = new NDScope()) {
                Parameter first = model.parameters().get(1);
                optimizer.setRateScale(first, first.value().onesLike().muli(2));
            }
            model.gates().setMasked(new HeadId(0, 1), true);
            model.gates().setGate(new HeadId(1, 2), 0.5f);
            Path start = dir.resolve("start");
            CycleStart.write(start, model, optimizer);
            List<float[]> weights = values(model);
            float[] gates = model.gates().gateValues();
            float[] masks = model.gates().maskValues();
            Map<String, float[]> moments = moments(optimizer);
            long steps = optimizer.stepCount();

            for (int i = 1; i <= 3; i++) { // a cycle that changes everything
                Batch b = batches.next();
                step.apply(b, 1e-2f, i);
            }
            optimizer.clearRateScale(model.parameters().get(1));
            optimizer.setRateScale(
                    model.parameters().get(2), model.parameters().get(2).value().onesLike());
            model.gates().setMasked(new HeadId(0, 1), false);
            model.gates().setMasked(new HeadId(1, 3), true);
            assertNotEquals(
                    weights.get(0)[0], values(model).get(0)[0], "the cycle changed nothing");

            CycleStart.restore(start, model, optimizer);
            List<float[]> restored = values(model);
            for (int i = 0; i < weights.size(); i++) {
                assertArrayEquals(
                        weights.get(i), restored.get(i), 0f, model.parameters().get(i).name());
            }
            assertArrayEquals(gates, model.gates().gateValues(), 0f);
            assertArrayEquals(masks, model.gates().maskValues(), 0f);
            assertEquals(steps, optimizer.stepCount());
            Map<String, float[]> after = moments(optimizer);
            assertEquals(moments.keySet(), after.keySet(), "rate scales present exactly as saved");
            moments.forEach((name, v) -> assertArrayEquals(v, after.get(name), 0f, name));
        }
    }

    @Test
    void aDestructiveCycleAgainstNoAllowedIncreaseIsRolledBackAndNotProposedAgain(@TempDir Path dir)
            throws Exception {
        TextDataset data = data();
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model = trainedTinyModel(manager, data, dir)) {
            List<float[]> start = values(model);
            float[] masks = model.gates().maskValues();
            UpgradeConfig config =
                    new UpgradeConfig(
                            "test",
                            2,
                            0.9, // nearly every head
                            0.0, // nothing grown back
                            1e-3, // two steps cannot repair it, but do move every weight
                            new UpgradeConfig.ControllerConfig(
                                    UpgradeConfig.ControllerType.STATIC, 0.05, 50, 0),
                            new UpgradeConfig.PlasticityConfig(
                                    1.0, UpgradeConfig.PlasticityConfig.NO_CEILING, 0.0, 2, 5),
                            false,
                            false,
                            true,
                            false);
            Upgrade upgrade =
                    new Upgrade(
                            model,
                            BYTES,
                            data,
                            new Upgrade.Settings(
                                    config, 4, 2, 1, 0, 5, ai.sentinel.train.Trainable.ALL, 0),
                            dir.resolve("out"),
                            Upgrade.Listener.NONE,
                            StepListener.NONE);
            Upgrade.Result result = upgrade.run(false);
            assertEquals(2, result.outcomes().size());
            CycleOutcome first = result.outcomes().get(0);
            assertFalse(first.accepted());
            assertTrue(first.reason().contains("max_perplexity_increase"), first.reason());
            assertTrue(first.activeAfter() < first.activeBefore(), "the cycle did prune");
            assertNotEquals(
                    first.proposal(),
                    result.outcomes().get(1).proposal(),
                    "a rolled-back proposal came back unchanged");
            List<float[]> now = values(model);
            for (int i = 0; i < start.size(); i++) {
                assertArrayEquals(start.get(i), now.get(i), 0f, model.parameters().get(i).name());
            }
            assertArrayEquals(masks, model.gates().maskValues(), 0f);
            assertEquals(result.before().perplexity(), result.after().perplexity(), 1e-12);
        }
    }

    private static List<float[]> values(CausalLm model) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            out.add(p.value().toFloatArray());
        }
        return out;
    }

    private static Map<String, float[]> moments(AdamW optimizer) throws java.io.IOException {
        Map<String, float[]> out = new java.util.TreeMap<>();
        for (Map.Entry<String, StoredTensor> e : optimizer.exportState().entrySet()) {
            java.nio.FloatBuffer f =
                    TensorData.copyOf(e.getValue())
                            .bytes()
                            .duplicate()
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer();
            float[] v = new float[f.remaining()];
            f.get(v);
            out.put(e.getKey(), v);
        }
        return out;
    }
}
