package ai.sentinel.plasticity;

import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.sentinel.data.TextDataset;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadRemap;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.testing.AfterStep;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.HeadRates;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growth of a query head into a key/value group that compressed pruning removed (llama-nano: 2
 * layers × 4 query heads in 2 groups of 2; layer 1's group {2, 3} removed): the group's key and
 * value slices come back, the logits do not change at the instant of growth, and the re-created
 * slices train at the new head's warm-up rate (the group-rate rule of {@link HeadRates}: the grown
 * head is the group's only present head), from fresh optimizer moments.
 */
class GrowthIntoRemovedGroupTest {
    private static final HeadId GROWN = new HeadId(1, 2);
    private static final List<HeadId> GROUP = List.of(GROWN, new HeadId(1, 3));
    private static final float BASE = 3e-3f;

    private static CausalLm llama(NDManager m) {
        return Families.preset("llama-nano").orElseThrow().initialize(99, 2, 4, 32, m, 7);
    }

    @Test
    void recreatedKeysAndValuesTakeTheNewHeadsRateAndLogitsAreUnchanged(@TempDir Path dir)
            throws Exception {
        GrowthSchedule schedule = new GrowthSchedule(0.01f, 10, 5f, 20);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = llama(m)) {
            Pruner.prune(model, GROUP, PruneMode.COMPRESSED);
            assertEquals(1, model.attentionLayout(1).presentGroups(heads(model, 1)).length);
            float[] pruned = logits(model);
            Grower.grow(
                    model,
                    List.of(GROWN),
                    GrowthInit.FUNCTION_PRESERVING,
                    schedule.gate(0),
                    0.01f,
                    new HeadScores(new double[2][4]),
                    1);
            assertEquals(2, model.attentionLayout(1).presentGroups(heads(model, 1)).length);
            assertFalse(model.config().isPresent(GROUP.get(1)));
            float[] grown = logits(model);
            for (int i = 0; i < grown.length; i++) {
                assertEquals(pruned[i], grown[i], 1e-5, "logit " + i + " at growth");
            }
            HeadSchedule heads = new HeadSchedule(model, schedule);
            heads.grown(List.of(GROWN), 0);
            int[] checked = new int[1];
            try (Trainer trainer = trainer(model, 4)) {
                trainer.addHook(heads);
                trainer.addHook(
                        (AfterStep)
                                (step, optimizer) -> {
                                    float expected = BASE * schedule.rateMultiplier(step);
                                    for (HeadSlice s : model.headLayout().slices(GROWN)) {
                                        float[] range = rateRange(optimizer, s);
                                        String what = "step " + step + ": " + s.role();
                                        assertEquals(expected, range[0], 1e-9, what + " (min)");
                                        assertEquals(expected, range[1], 1e-9, what + " (max)");
                                        checked[0]++;
                                    }
                                    // the kept group's keys and values: the base rate
                                    for (HeadSlice s :
                                            model.headLayout().slices(new HeadId(1, 0))) {
                                        assertEquals(BASE, rateRange(optimizer, s)[1], 1e-9);
                                    }
                                });
                trainer.run(dir.resolve("run"), f -> {});
            }
            assertEquals(4 * 4, checked[0], "q, k, v and o slices at each of 4 steps");
        }
    }

    /**
     * The cycle's way: one optimizer lives across pruning and growth, remapped after each; the
     * re-created slices start from zero moments and the warm-up control reaches them.
     */
    @Test
    void aLiveOptimizerFollowsTheRecreatedGroupWithZeroMomentsAndTheWarmUpRate() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = llama(m)) {
            Pruner.prune(model, GROUP, PruneMode.COMPRESSED);
            try (AdamW optimizer = new AdamW(model.parameters(), AdamWConfig.defaults(), m)) {
                // give every moment a non-zero value so fresh ones stand out
                for (var p : model.parameters()) {
                    optimizer.firstMoment(p).set(new ai.djl.ndarray.index.NDIndex("..."), 1f);
                }
                List<HeadRemap> remaps =
                        Grower.grow(
                                model,
                                List.of(GROWN),
                                GrowthInit.FUNCTION_PRESERVING,
                                0.01f,
                                0.01f,
                                new HeadScores(new double[2][4]),
                                1);
                optimizer.remap(remaps);
                HeadRates rates = new HeadRates(model);
                rates.set(HeadSchedule.CONTROL, Map.of(GROWN, 5f));
                rates.applyTo(optimizer);
                for (HeadSlice s : model.headLayout().slices(GROWN)) {
                    assertEquals(5 * BASE, rateRange(optimizer, s)[0], 1e-9, s.role() + " rate");
                    assertEquals(5 * BASE, rateRange(optimizer, s)[1], 1e-9, s.role() + " rate");
                    try (NDScope scope = new NDScope()) {
                        NDArray moment = optimizer.firstMoment(s.parameter()).get(s.index());
                        assertEquals(0f, moment.abs().max().getFloat(), s.role() + " moment");
                    }
                }
                HeadSlice kept = model.headLayout().slices(new HeadId(1, 0)).get(1);
                assertTrue(kept.role() == HeadSlice.Role.KEY);
                try (NDScope scope = new NDScope()) {
                    assertEquals(
                            1f,
                            optimizer
                                    .firstMoment(kept.parameter())
                                    .get(kept.index())
                                    .min()
                                    .getFloat(),
                            "the kept group's moments stay");
                }
            }
        }
    }

    private static int[] heads(CausalLm model, int layer) {
        return model.config().headsPresent(layer);
    }

    private static float[] rateRange(AdamW optimizer, HeadSlice s) {
        try (NDScope scope = new NDScope()) {
            NDArray part = optimizer.effectiveRate(s.parameter(), BASE).get(s.index());
            return new float[] {part.min().getFloat(), part.max().getFloat()};
        }
    }

    private static float[] logits(CausalLm model) {
        try (NDScope scope = new NDScope()) {
            return floats(
                    model.forward(
                            TinyModels.tokens(model.manager(), 21, 2, 12, 99),
                            AttentionProbe.NONE));
        }
    }

    private static TextDataset data() {
        int[] tokens = new int[6000];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5 == 0 ? r.nextInt(99) : (tokens[i - 1] * 7 + 3) % 99;
        }
        return TextDataset.split(tokens, 16, 0.2);
    }

    private static Trainer trainer(CausalLm model, int steps) {
        return new Trainer(
                model,
                data(),
                new TrainConfig(
                        steps,
                        4,
                        LrSchedule.constant(BASE),
                        AdamWConfig.defaults(),
                        1f,
                        0,
                        2,
                        0,
                        1,
                        false),
                StepListener.NONE);
    }
}
