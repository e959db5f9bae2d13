package ai.sentinel.experiments;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.HeadSchedule;
import ai.sentinel.plasticity.Plasticity;
import ai.sentinel.plasticity.ProgressiveGrowth;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.Pruner;
import ai.sentinel.plasticity.RunEventJson;
import ai.sentinel.report.LinePlot;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.CompositeListener;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.TrainResult;
import ai.sentinel.train.Trainer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Claim 4 — "a model started 90% pruned can be grown back into a capable one": three models trained
 * from the same initial weights for the same steps on the same batches: {@code progressive} (most
 * heads pruned at step 0, grown back during training), {@code final_shape} (the heads progressive
 * growth ended with, masked from the start) and {@code full} (every head). Validation loss is
 * measured on the same batches along the way.
 */
public final class ProgressiveComparison {
    static final String PROGRESSIVE = "progressive";
    static final String FINAL_SHAPE = "final_shape";
    static final String FULL = "full";

    /** Makes the same freshly initialised model each time it is called. */
    @FunctionalInterface
    public interface ModelFactory {
        CausalLm create(NDManager manager) throws IOException;
    }

    /** The runs; every arm trains with the same schedule. */
    public record Settings(
            ProgressiveGrowth.Settings growth,
            int steps,
            int batchSize,
            float learningRate,
            int warmupSteps,
            int evalEvery,
            int evalBatches,
            int metricBatches,
            long seed) {}

    private ProgressiveComparison() {}

    public static JsonObject run(
            ModelFactory factory, TextDataset data, Settings s, Path out, StepListener progress)
            throws IOException {
        JsonObject arms = new JsonObject();
        List<HeadId> finalHeads = new ArrayList<>();
        arms.add(PROGRESSIVE, train(factory, data, s, out, progress, PROGRESSIVE, finalHeads));
        arms.add(FINAL_SHAPE, train(factory, data, s, out, progress, FINAL_SHAPE, finalHeads));
        arms.add(FULL, train(factory, data, s, out, progress, FULL, finalHeads));
        JsonObject result = new JsonObject();
        result.add("settings", Json.toJsonTree(s));
        result.add("arms", arms);
        Json.write(out.resolve("progressive_growth.json"), result);
        plot(result, out);
        return result;
    }

    /**
     * Trains one arm. {@code finalHeads} is filled by the progressive arm and read by the
     * final-shape arm.
     */
    private static JsonObject train(
            ModelFactory factory,
            TextDataset data,
            Settings s,
            Path out,
            StepListener progress,
            String arm,
            List<HeadId> finalHeads)
            throws IOException {
        JsonArray curve = new JsonArray();
        JsonArray events = new JsonArray();
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                CausalLm model = factory.create(m)) {
            TrainConfig config =
                    new TrainConfig(
                            s.steps(),
                            s.batchSize(),
                            new LrSchedule(
                                    s.learningRate(),
                                    s.warmupSteps(),
                                    s.steps(),
                                    LrSchedule.Decay.COSINE,
                                    0.1f),
                            AdamWConfig.defaults(),
                            1.0f,
                            s.evalEvery(),
                            s.evalBatches(),
                            0,
                            s.seed(),
                            false);
            StepListener recorder =
                    new StepListener() {
                        @Override
                        public void onEval(long step, EvalResult r) {
                            JsonObject point = new JsonObject();
                            point.addProperty("step", step);
                            point.addProperty("val_loss", r.loss());
                            point.addProperty("active_heads", model.gates().numActive());
                            curve.add(point);
                        }
                    };
            Path scratch = out.resolve("scratch-checkpoint");
            long t0 = System.nanoTime();
            try (Trainer trainer =
                    new Trainer(model, data, config, CompositeListener.of(progress, recorder))) {
                ProgressiveGrowth growth = null;
                if (arm.equals(PROGRESSIVE)) {
                    HeadMeter meter =
                            new HeadMeter(data.validation(), s.batchSize(), s.metricBatches());
                    growth =
                            ProgressiveGrowth.start(
                                    model,
                                    meter,
                                    s.growth(),
                                    s.steps(),
                                    e -> events.add(RunEventJson.toJson(e)));
                    trainer.addHook(growth);
                } else if (arm.equals(FINAL_SHAPE)) {
                    List<HeadId> masked = new ArrayList<>(Plasticity.allHeads(model));
                    masked.removeAll(finalHeads);
                    Pruner.prune(model, masked, PruneMode.ADAPTIVE);
                    trainer.addHook(
                            new HeadSchedule(
                                    model, GrowthSchedule.defaults())); // masked heads stay frozen
                }
                recorder.onEval(
                        0,
                        new Evaluator(data.validation(), s.batchSize(), s.evalBatches())
                                .evaluate(model));
                TrainResult result = trainer.run(scratch, folder -> {});
                if (growth != null) {
                    finalHeads.addAll(growth.active());
                }
                JsonObject o = new JsonObject();
                o.addProperty("final_val_loss", result.validation().loss());
                o.addProperty("final_perplexity", result.validation().perplexity());
                o.addProperty("active_heads", model.gates().numActive());
                o.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
                o.add("curve", curve);
                if (!events.isEmpty()) {
                    o.add("events", events);
                }
                return o;
            } finally {
                AtomicFiles.deleteRecursively(scratch);
            }
        }
    }

    /** Draws the charts of a result (also from a saved progressive_growth.json). */
    public static void plot(JsonObject result, Path out) throws IOException {
        Map<String, double[][]> loss = new LinkedHashMap<>();
        Map<String, double[][]> heads = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> arm : result.getAsJsonObject("arms").entrySet()) {
            JsonArray curve = arm.getValue().getAsJsonObject().getAsJsonArray("curve");
            // the loss chart leaves out step 0 (an untrained model's loss would flatten every
            // difference after it)
            double[][] l = new double[2][curve.size() - 1];
            double[][] h = new double[2][curve.size()];
            for (int i = 0; i < curve.size(); i++) {
                JsonObject p = curve.get(i).getAsJsonObject();
                h[0][i] = p.get("step").getAsDouble();
                h[1][i] = p.get("active_heads").getAsDouble();
                if (i > 0) {
                    l[0][i - 1] = h[0][i];
                    l[1][i - 1] = p.get("val_loss").getAsDouble();
                }
            }
            loss.put(arm.getKey(), l);
            heads.put(arm.getKey(), h);
        }
        LinePlot.write(
                out.resolve("progressive_growth_loss.png"),
                "Validation loss while training (from the first" + " evaluation after step 0)",
                "optimizer step",
                "validation loss (nats)",
                loss);
        LinePlot.writeCounts(
                out.resolve("progressive_growth_heads.png"),
                "Active heads while training",
                "optimizer step",
                "active heads",
                heads);
    }
}
