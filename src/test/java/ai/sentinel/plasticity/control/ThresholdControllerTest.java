package ai.sentinel.plasticity.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.sentinel.data.TextDataset;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.Parameter;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.HeadController;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunEvent.ControllerAction;
import ai.sentinel.testing.AfterStep;
import ai.sentinel.testing.TinyModels;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.Checkpoint;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.StepStats;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.TrainResult;
import ai.sentinel.train.Trainer;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The threshold controller in a real training run of a tiny GPT-2 (2 layers × 4 heads). */
class ThresholdControllerTest {
    private static final GrowthSchedule REVIVAL = new GrowthSchedule(0.1f, 4, 3f, 4);
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static TextDataset data() {
        int[] tokens = new int[6000];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5 == 0 ? r.nextInt(99) : (tokens[i - 1] * 7 + 3) % 99;
        }
        return TextDataset.split(tokens, 16, 0.2);
    }

    private static TrainConfig config(int steps) {
        return new TrainConfig(
                steps,
                4,
                LrSchedule.constant(3e-3f),
                AdamWConfig.defaults(),
                1f,
                0,
                2,
                0,
                1,
                false);
    }

    /**
     * Thresholds every head crosses: each interval prunes as many active heads as the limits allow
     * (2 of 8 in all, a quarter of the active ones an interval) and revives every head pruned for
     * an interval.
     */
    private static ThresholdSettings forced(PruneMode mode) {
        return new ThresholdSettings(
                new ThresholdConfig(
                        Threshold.absolute(-1),
                        Threshold.absolute(1e9),
                        Threshold.absolute(-1),
                        Threshold.absolute(10),
                        1,
                        0.25,
                        0.25,
                        mode),
                3,
                2,
                4,
                REVIVAL);
    }

    private static float[][] slices(
            CausalLm model, HeadId head, boolean firstMoments, AdamW optimizer) {
        List<HeadSlice> s = model.headLayout().slices(head);
        float[][] out = new float[s.size()][];
        try (NDScope scope = new NDScope()) {
            for (int i = 0; i < out.length; i++) {
                Parameter p = s.get(i).parameter();
                NDArray source = firstMoments ? optimizer.firstMoment(p) : p.value();
                out[i] = source.get(s.get(i).index()).toFloatArray();
            }
        }
        return out;
    }

    private static void assertSlicesEqual(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], what + ", slice " + i);
        }
    }

    @Test
    void forcedPrunesAndRevivalsBringStoredWeightsBackWarmingUp(@TempDir Path dir)
            throws Exception {
        try (CausalLm model = TinyModels.tiny(manager, 3);
                Trainer trainer = new Trainer(model, data(), config(9), StepListener.NONE)) {
            List<RunEvent> events = new ArrayList<>();
            Map<HeadId, float[][]> stored = new HashMap<>();
            Map<HeadId, Long> prunedAt = new HashMap<>();
            Map<HeadId, Long> revivedAt = new HashMap<>(); // local step of the first warm-up step
            List<MeasurementSummary> summaries = new ArrayList<>();
            HeadController controller =
                    ThresholdController.factory(forced(PruneMode.ADAPTIVE), summaries::add)
                            .create(
                                    model,
                                    data(),
                                    2,
                                    100,
                                    e -> {
                                        events.add(e);
                                        if (e instanceof RunEvent.ControllerDecision d) {
                                            float[][] now = slices(model, d.head(), false, null);
                                            if (d.action() == ControllerAction.PRUNED) {
                                                stored.put(d.head(), now);
                                                prunedAt.put(d.head(), d.step());
                                            } else {
                                                assertSlicesEqual(
                                                        stored.get(d.head()),
                                                        now,
                                                        d.head() + " revived");
                                                revivedAt.putIfAbsent(d.head(), d.step() - 100);
                                                assertTrue(
                                                        d.step() - prunedAt.get(d.head()) >= 3,
                                                        "pruned at least one interval");
                                            }
                                        }
                                    },
                                    7);
            List<String> checked = new ArrayList<>();
            // added before the controller: checks each step as it ran, before the controller acts
            trainer.addHook(
                    (AfterStep)
                            (step, optimizer) ->
                                    revivedAt.forEach(
                                            (head, at) -> {
                                                long t = step - at;
                                                if (t < 0 || t > 2) {
                                                    return;
                                                }
                                                assertEquals(
                                                        REVIVAL.gate(t),
                                                        model.gates().gateValue(head),
                                                        1e-7,
                                                        head + " gate at " + t);
                                                assertEquals(
                                                        REVIVAL.rateMultiplier(t),
                                                        trainer.rates().multiplier(head),
                                                        1e-6);
                                                HeadSlice s =
                                                        model.headLayout().slices(head).get(0);
                                                try (NDScope scope = new NDScope()) {
                                                    NDArray rate =
                                                            optimizer
                                                                    .effectiveRate(
                                                                            s.parameter(), 1f)
                                                                    .get(s.index());
                                                    assertEquals(
                                                            REVIVAL.rateMultiplier(t),
                                                            rate.max().getFloat(),
                                                            1e-6,
                                                            head + " rate at " + t);
                                                    assertEquals(
                                                            REVIVAL.rateMultiplier(t),
                                                            rate.min().getFloat(),
                                                            1e-6);
                                                }
                                                checked.add(head + "@" + t);
                                            }));
            trainer.addHook(controller);
            trainer.run(dir, f -> {});

            List<RunEvent.ControllerDecision> decisions =
                    events.stream()
                            .filter(e -> e instanceof RunEvent.ControllerDecision)
                            .map(e -> (RunEvent.ControllerDecision) e)
                            .toList();
            List<RunEvent.ControllerInterval> intervals =
                    events.stream()
                            .filter(e -> e instanceof RunEvent.ControllerInterval)
                            .map(e -> (RunEvent.ControllerInterval) e)
                            .toList();
            assertEquals(
                    List.of(103L, 106L, 109L),
                    intervals.stream().map(RunEvent::step).toList(),
                    "run-wide steps");
            assertTrue(events.stream().allMatch(e -> e.cycle() == 2));
            assertEquals(2, intervals.get(0).pruned());
            assertEquals(
                    2, intervals.get(1).revived(), "both heads pruned an interval ago come back");
            assertTrue(
                    intervals.stream()
                            .allMatch(i -> i.totalHeads() == 8 && 8 - i.activeHeads() <= 2),
                    "never more than a quarter pruned");
            int activeBefore = 8;
            for (RunEvent.ControllerInterval i : intervals) {
                assertTrue(i.pruned() <= Math.floor(0.25 * activeBefore), "rate limit at " + i);
                activeBefore = i.activeHeads();
            }
            assertTrue(
                    Double.isNaN(intervals.get(0).validationLoss())
                            && Double.isNaN(intervals.get(0).penaltyWeight()));
            assertTrue(Double.isFinite(intervals.get(0).trainLoss()));
            long warmedUp = revivedAt.values().stream().filter(at -> at + 2 < 9).count();
            assertTrue(warmedUp >= 2, "revived at step 6: " + revivedAt);
            assertEquals(
                    3 * warmedUp,
                    checked.size(),
                    "each revived head checked over three warm-up steps: " + checked);
            // the forced thresholds pass every head: the rate limit keeps the most diffuse
            assertEquals(ControllerAction.PRUNED, decisions.get(0).action());
            assertTrue(decisions.get(0).entropy() >= decisions.get(1).entropy());
            assertEquals("threshold", decisions.get(0).controller());
            assertEquals(REVIVAL.startGate(), (float) decisions.get(2).gate(), 0f);

            // each interval: its decisions, then a snapshot, then the interval
            RunEvent.ControllerSnapshot first = (RunEvent.ControllerSnapshot) events.get(2);
            assertEquals(103, first.step());
            for (RunEvent.ControllerDecision d : decisions.subList(0, 2)) {
                assertEquals(0, first.state().get(d.head()), "pruned heads show as masked");
                assertFalse(
                        Double.isNaN(first.gradientNorm().get(d.head())),
                        "measured before pruning");
            }
            assertTrue(events.get(3) instanceof RunEvent.ControllerInterval);

            // the first measurement reached the caller once, and the accessor keeps it
            assertEquals(1, summaries.size());
            MeasurementSummary summary = summaries.get(0);
            assertEquals(103, summary.step());
            assertTrue(
                    summary.lines().stream()
                            .anyMatch(l -> l.contains("lets 2 of the 8 active heads be pruned")),
                    summary.lines().toString());
            assertEquals(8, summary.entropy().count());
            assertEquals(
                    new ThresholdVerdict.Selection(8, 8, 8, 2, 0, 0, 0, 0), summary.selection());
            assertTrue(summary.entropy().max() <= 1.0 + 1e-6 && summary.entropy().min() > 0);
            assertEquals(
                    summary, ((ThresholdController) controller).firstMeasurement().orElseThrow());
            assertTrue(
                    summary.lines().stream()
                            .anyMatch(
                                    l -> l.contains("--high-entropy-threshold -1 = -1 selects 8")),
                    summary.lines().toString());
        }
    }

    @Test
    void compressedPruningRemovesHeadsAndKeepsTheOtherHeadsMoments(@TempDir Path dir)
            throws Exception {
        try (CausalLm model = TinyModels.tiny(manager, 4);
                Trainer trainer = new Trainer(model, data(), config(5), StepListener.NONE)) {
            long parameters = model.numParameters();
            List<RunEvent> events = new ArrayList<>();
            HeadController controller =
                    ThresholdController.factory(forced(PruneMode.COMPRESSED), s -> {})
                            .create(model, data(), 0, 0, events::add, 1);
            Map<HeadId, float[][]> momentsBefore = new HashMap<>();
            Map<HeadId, float[][]> weightsBefore = new HashMap<>();
            List<HeadId> compared = new ArrayList<>();
            trainer.addHook(
                    (AfterStep)
                            (step, optimizer) -> {
                                if (step == 2) { // the controller removes heads right after this
                                    for (int l = 0; l < 2; l++) {
                                        for (int h = 0; h < 4; h++) {
                                            HeadId head = new HeadId(l, h);
                                            momentsBefore.put(
                                                    head, slices(model, head, true, optimizer));
                                            weightsBefore.put(
                                                    head, slices(model, head, false, optimizer));
                                        }
                                    }
                                }
                            });
            trainer.addHook(controller);
            trainer.addHook(
                    (AfterStep)
                            (step, optimizer) -> {
                                if (step == 2) {
                                    momentsBefore.forEach(
                                            (head, before) -> {
                                                if (model.config().isPresent(head)) {
                                                    assertSlicesEqual(
                                                            before,
                                                            slices(model, head, true, optimizer),
                                                            head + " first moment");
                                                    assertSlicesEqual(
                                                            weightsBefore.get(head),
                                                            slices(model, head, false, optimizer),
                                                            head + " weights");
                                                    compared.add(head);
                                                }
                                            });
                                }
                            });
            TrainResult result = trainer.run(dir, f -> {});
            assertEquals(5, result.steps(), "training goes on after the surgery");
            List<HeadId> removed =
                    events.stream()
                            .filter(e -> e instanceof RunEvent.ControllerDecision)
                            .map(e -> ((RunEvent.ControllerDecision) e).head())
                            .toList();
            assertEquals(2, removed.size());
            assertEquals(6, compared.size());
            removed.forEach(h -> assertFalse(model.config().isPresent(h), h + " removed"));
            assertTrue(model.numParameters() < parameters);
            RunEvent.ControllerSnapshot snapshot =
                    (RunEvent.ControllerSnapshot)
                            events.stream()
                                    .filter(e -> e instanceof RunEvent.ControllerSnapshot)
                                    .findFirst()
                                    .orElseThrow();
            removed.forEach(h -> assertEquals(-1, snapshot.state().get(h)));
        }
    }

    @Test
    void aResumedRunEndsBitIdenticalToAnUninterruptedOneWithTheSameEvents(@TempDir Path dir)
            throws Exception {
        TrainConfig config = config(10);
        ThresholdSettings settings = forced(PruneMode.ADAPTIVE);
        List<RunEvent> uninterrupted = new ArrayList<>();
        List<float[]> expected;
        float[] expectedGates;
        float[] expectedMask;
        try (CausalLm model = TinyModels.tiny(manager, 9);
                Trainer trainer = new Trainer(model, data(), config, StepListener.NONE)) {
            trainer.addHook(
                    ThresholdController.factory(settings, s -> {})
                            .create(model, data(), 0, 0, uninterrupted::add, 1));
            trainer.run(dir.resolve("a"), f -> {});
            expected = weights(model);
            expectedGates = model.gates().gateValues();
            expectedMask = model.gates().maskValues();
        }
        assertTrue(
                uninterrupted.stream()
                        .anyMatch(
                                e ->
                                        e instanceof RunEvent.ControllerDecision d
                                                && d.action() == ControllerAction.REVIVED));

        Path checkpoint = dir.resolve("b");
        List<RunEvent> resumed = new ArrayList<>();
        List<MeasurementSummary> summaries = new ArrayList<>();
        AtomicReference<Trainer> running = new AtomicReference<>();
        StepListener stopAtSeven =
                new StepListener() {
                    @Override
                    public void onStep(StepStats stats) {
                        if (stats.step() == 7) { // a revived head is one step into its warm-up
                            running.get().requestStop();
                        }
                    }
                };
        try (CausalLm model = TinyModels.tiny(manager, 9);
                Trainer trainer = new Trainer(model, data(), config, stopAtSeven)) {
            running.set(trainer);
            trainer.addHook(
                    ThresholdController.factory(settings, summaries::add)
                            .create(model, data(), 0, 0, resumed::add, 1));
            assertEquals(7, trainer.run(checkpoint, f -> {}).steps());
        }
        try (CausalLm model =
                        ModelFiles.load(checkpoint.resolve(Checkpoint.MODEL_FOLDER), manager);
                Trainer trainer = new Trainer(model, data(), config, StepListener.NONE)) {
            trainer.addHook(
                    ThresholdController.factory(settings, summaries::add)
                            .create(model, data(), 0, 0, resumed::add, 1));
            trainer.resumeFrom(checkpoint);
            assertEquals(10, trainer.run(checkpoint, f -> {}).steps());
            List<float[]> actual = weights(model);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
            }
            assertArrayEquals(expectedGates, model.gates().gateValues(), "gates");
            assertArrayEquals(expectedMask, model.gates().maskValues(), "mask");
        }
        assertEquals(uninterrupted, resumed);
        assertEquals(1, summaries.size(), "the resumed run does not summarise again");
    }

    @Test
    void aMalformedStateNamesItsKey() {
        try (CausalLm model = TinyModels.tiny(manager, 1)) {
            ThresholdController controller =
                    new ThresholdController(
                            model, data(), forced(PruneMode.ADAPTIVE), 0, 0, e -> {}, s -> {});
            JsonObject good = controller.saveState();
            controller.restoreState(good);
            assertEquals(good, controller.saveState());
            for (String key :
                    List.of("intervals", "measured", "pruned_for", "revived_at", "steps_done")) {
                JsonObject bad = good.deepCopy();
                bad.addProperty(key, "x");
                IllegalArgumentException e =
                        assertThrows(
                                IllegalArgumentException.class, () -> controller.restoreState(bad));
                assertTrue(e.getMessage().contains(key), e.getMessage());
            }
            JsonObject outside = good.deepCopy();
            JsonObject head = new JsonObject();
            head.addProperty("layer", 5);
            head.addProperty("head", 0);
            head.addProperty("intervals", 1);
            outside.getAsJsonArray("pruned_for").add(head);
            assertThrows(IllegalArgumentException.class, () -> controller.restoreState(outside));
        }
    }

    private static List<float[]> weights(CausalLm model) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            out.add(p.value().toFloatArray());
        }
        return out;
    }
}
