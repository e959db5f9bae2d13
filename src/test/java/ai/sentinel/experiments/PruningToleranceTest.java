package ai.sentinel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.data.TextDataset;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.plasticity.PruningMethod;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.StepListener;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruningToleranceTest {
    @Test
    void sweepsEveryStrategyFromTheSameBaselineAndWritesJsonAndCharts(@TempDir Path dir)
            throws Exception {
        Path baseline = dir.resolve("baseline");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.tinyWithStrongWeights(m, 1, DataType.FLOAT32)) {
            ModelFiles.save(model, baseline);
        }
        int[] tokens = new int[3000];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = r.nextInt(99);
        }
        TextDataset data = TextDataset.split(tokens, 16, 0.2);
        JsonObject result =
                PruningTolerance.run(
                        baseline,
                        data,
                        new PruningTolerance.Settings(List.of(0.0, 0.5), 2, 4, 2, 1, 1e-3f, 7),
                        dir.resolve("out"),
                        StepListener.NONE);
        List<JsonElement> rows = result.getAsJsonArray("rows").asList();
        assertEquals(PruningMethod.values().length * 2, rows.size());
        double unpruned = rows.get(0).getAsJsonObject().get("perplexity").getAsDouble();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            if (row.get("requested_fraction").getAsDouble() == 0) {
                assertEquals(
                        unpruned,
                        row.get("perplexity").getAsDouble(),
                        1e-9,
                        "every sweep starts from one model");
                assertEquals(0, row.get("pruned_heads").getAsInt());
            } else {
                assertEquals(4, row.get("pruned_heads").getAsInt(), "half of 8 heads");
            }
            assertTrue(row.has("perplexity_after_fine_tune"));
        }
        for (String f :
                List.of(
                        "pruning_tolerance.json",
                        "pruning_tolerance.png",
                        "pruning_tolerance_fine_tuned.png")) {
            assertTrue(Files.size(dir.resolve("out").resolve(f)) > 1000, f);
        }
        assertTrue(Files.notExists(dir.resolve("out/scratch-checkpoint")));
    }
}
