package ai.sentinel.model;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.assertBitIdentical;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.sentinel.data.TextDataset;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Init;
import ai.sentinel.nn.Parameter;
import ai.sentinel.plasticity.Grower;
import ai.sentinel.plasticity.GrowthInit;
import ai.sentinel.plasticity.GrowthSchedule;
import ai.sentinel.plasticity.HeadSchedule;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.Pruner;
import ai.sentinel.plasticity.SkipTransfer;
import ai.sentinel.testing.AfterStep;
import ai.sentinel.testing.FusedLossCheck;
import ai.sentinel.testing.PlainLoss;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The head contract every model family must keep, checked on a tiny model of each family through
 * the family-neutral API only ({@link Families}, {@link CausalLm}, the plasticity and training
 * components): no class of a family package is named here, so a new family joins by adding its
 * preset to {@link #families()}.
 *
 * <p>Every model is L = 2 layers × H = 4 heads, width 32 (D = 8), V = 61, with weights drawn larger
 * than the families' initialisation (N(0, 0.2); one-dimensional parameters keep their initial value
 * plus N(0, 0.2) noise), so attention is far from uniform and every head visibly changes the
 * logits. The Llama preset keeps two key/value groups, so query heads 0 and 1 (and 2 and 3) share
 * keys and values: the cases below remove or mask one head of a group and a whole group.
 */
class FamilyContractTest {
    private static final int VOCAB = 61;
    private static final int LAYERS = 2;
    private static final int HEADS = 4;
    private static final int WIDTH = 32;
    private static final int HEAD_DIM = WIDTH / HEADS;

    /**
     * Head 1 of layer 0 (its key/value group-mate 0 stays where heads share groups) and heads 2 and
     * 3 of layer 1 (a whole group).
     */
    private static final List<HeadId> DOOMED =
            List.of(new HeadId(0, 1), new HeadId(1, 2), new HeadId(1, 3));

    private static NDManager manager;

    /** A family's tiny model: a preset by the name users type, and its query heads per group. */
    record Subject(String preset, int headsPerGroup) {
        @Override
        public String toString() {
            return preset;
        }
    }

    static Stream<Subject> families() {
        return Stream.of(
                new Subject("nano", 1), new Subject("opt-nano", 1), new Subject("llama-nano", 2));
    }

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    // ---------------------------------------------------------------------------------------
    // The checks
    // ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void maskingAHeadEqualsZeroingItsOutputSlice(Subject subject) {
        try (CausalLm model = model(subject, 7, DataType.FLOAT32)) {
            float[] intact = logits(model);
            for (HeadId head : allHeads()) {
                model.gates().setMasked(head, true);
                float[] masked = logits(model);
                model.gates().setMasked(head, false);
                List<HeadSlice> outputs =
                        model.headLayout().slices(head).stream()
                                .filter(s -> s.role() == HeadSlice.Role.OUTPUT && s.weight())
                                .toList();
                assertEquals(1, outputs.size(), "one output-projection slice per head");
                HeadSlice out = outputs.get(0);
                NDArray saved; // get returns a view: keep a copy
                try (NDArray view = out.parameter().value().get(out.index())) {
                    saved = view.duplicate();
                }
                out.parameter().value().set(out.index(), 0f);
                float[] zeroed = logits(model);
                out.parameter().value().set(out.index(), saved);
                saved.close();
                assertAllClose(zeroed, masked, 1e-6, subject + ": masked vs zeroed, " + head);
                assertTrue(
                        maxDiff(intact, masked) > 1e-3,
                        subject + ": masking " + head + " changed nothing");
            }
            assertBitIdentical(intact, logits(model), subject + ": slices restored");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void adaptiveAndCompressedPruningGiveTheSameLogitsAtPruningTime(Subject subject) {
        try (CausalLm adaptive = model(subject, 1, DataType.FLOAT32);
                CausalLm compressed = model(subject, 1, DataType.FLOAT32)) {
            float[] full = logits(adaptive);
            Map<HeadId, float[][]> before = new HashMap<>();
            for (HeadId head : allHeads()) {
                before.put(head, sliceValues(compressed, head));
            }
            long removed = elementsLeavingWith(compressed, DOOMED);
            long params = compressed.numParameters();

            assertTrue(Pruner.prune(adaptive, DOOMED, PruneMode.ADAPTIVE).isEmpty());
            assertFalse(Pruner.prune(compressed, DOOMED, PruneMode.COMPRESSED).isEmpty());

            float[] masked = logits(adaptive);
            assertTrue(maxDiff(full, masked) > 1e-3, subject + ": pruning changed nothing");
            assertAllClose(masked, logits(compressed), 1e-5, subject + ": adaptive vs compressed");
            assertEquals(params, adaptive.numParameters(), "adaptive pruning keeps every slice");
            assertEquals(
                    params - removed,
                    compressed.numParameters(),
                    subject + ": compressed pruning removes exactly the pruned heads' slices");
            assertArrayEquals(new int[] {0, 2, 3}, compressed.config().headsPresent(0));
            assertArrayEquals(new int[] {0, 1}, compressed.config().headsPresent(1));
            assertEquals(5, adaptive.gates().numActive());
            assertEquals(5, compressed.gates().numActive());
            for (HeadId head : allHeads()) {
                if (DOOMED.contains(head)) {
                    assertTrue(compressed.gates().isMasked(head));
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> compressed.headLayout().slices(head),
                            subject + ": a removed head has no slices");
                } else {
                    float[][] was = before.get(head);
                    float[][] now = sliceValues(compressed, head);
                    for (int i = 0; i < was.length; i++) {
                        assertArrayEquals(
                                was[i],
                                now[i],
                                subject + ": slice " + i + " of kept head " + head + " moved");
                    }
                }
            }
            if (subject.headsPerGroup() > 1) {
                // (0, 1) left; its group-mate (0, 0) still reads the group's keys and values
                assertEquals(
                        removed,
                        2L * DOOMED.size() * HEAD_DIM * WIDTH // query and output weights
                                + (long) DOOMED.size() * queryBias(adaptive)
                                + kvElementsOfOneGroup(adaptive),
                        subject + ": only the wholly pruned group takes its keys and values");
            }
        }
    }

    /**
     * {@code hf-masked} export: removed, masked and partly open heads folded into plain weights of
     * the original shapes give the gated model's logits with every gate 1, after a save and load
     * with no sidecar (a grouped-query model gets a wholly removed group's keys and values back).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void anHfMaskedExportComputesTheGatedModelWithPlainWeights(Subject subject, @TempDir Path dir)
            throws java.io.IOException {
        long fullParameters;
        try (CausalLm fresh = model(subject, 8, DataType.FLOAT32)) {
            fullParameters = fresh.numParameters();
        }
        try (CausalLm model = model(subject, 8, DataType.FLOAT32)) {
            Pruner.prune(model, DOOMED, PruneMode.COMPRESSED);
            Pruner.prune(model, List.of(new HeadId(1, 0)), PruneMode.ADAPTIVE);
            model.gates().setGate(new HeadId(0, 2), 0.37f);
            model.gates().setGate(new HeadId(1, 1), 1.6f);
            float[] gated = logits(model);
            MaskedExport.fold(model);
            assertAllClose(gated, logits(model), 1e-5, subject + ": folded in place");
            MaskedExport.write(model, dir);
            assertFalse(java.nio.file.Files.exists(dir.resolve(ModelFiles.HEADS_FILE)));
            com.google.gson.JsonObject config =
                    com.google.gson.JsonParser.parseString(
                                    java.nio.file.Files.readString(
                                            dir.resolve(ModelFiles.CONFIG_FILE)))
                            .getAsJsonObject();
            for (String key : List.of("pruned_heads", "sentinel_pruned_heads")) {
                assertTrue(
                        !config.has(key) || config.getAsJsonObject(key).size() == 0,
                        subject + ": no head recorded as removed: " + config);
            }
            try (NDManager m = NDManager.newBaseManager();
                    CausalLm plain = ModelFiles.load(dir, m)) {
                assertAllClose(gated, logits(plain), 1e-5, subject + ": reloaded, gates all 1");
                assertEquals(fullParameters, plain.numParameters(), "the original shapes");
                assertEquals(LAYERS * HEADS, plain.gates().numActive());
                for (float g : plain.gates().gateValues()) {
                    assertEquals(1f, g);
                }
            }
        }
    }

    /**
     * {@code hf-compact} export: with one head per group removed or masked in every layer, the
     * family's standard config holds the smaller model (GPT-2 through pruned_heads) and a reload
     * gives the gated model's logits with fewer parameters; OPT's config cannot, and says why; an
     * uneven Llama is refused naming each layer's heads.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void anHfCompactExportIsSmallerAndComputesTheGatedModel(Subject subject, @TempDir Path dir)
            throws java.io.IOException {
        try (CausalLm model = model(subject, 9, DataType.FLOAT32)) {
            long fullParameters = model.numParameters();
            Pruner.prune(model, List.of(new HeadId(0, 1), new HeadId(0, 3)), PruneMode.COMPRESSED);
            Pruner.prune(model, List.of(new HeadId(1, 1), new HeadId(1, 3)), PruneMode.ADAPTIVE);
            model.gates().setGate(new HeadId(0, 0), 0.5f);
            float[] gated = logits(model);
            if (subject.preset().startsWith("opt")) {
                IllegalArgumentException e =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> CompactExport.write(model, dir));
                assertTrue(e.getMessage().contains("hf-masked"), e.getMessage());
                return;
            }
            String note = CompactExport.write(model, dir);
            assertFalse(note.isBlank());
            assertFalse(java.nio.file.Files.exists(dir.resolve(ModelFiles.HEADS_FILE)));
            try (NDManager m = NDManager.newBaseManager();
                    CausalLm plain = ModelFiles.load(dir, m)) {
                assertAllClose(gated, logits(plain), 1e-5, subject + ": the compact export");
                assertTrue(plain.numParameters() < fullParameters, subject + ": smaller");
                assertEquals(LAYERS * 2, plain.gates().numActive());
            }
        }
        if (subject.headsPerGroup() > 1) {
            try (CausalLm uneven = model(subject, 9, DataType.FLOAT32)) {
                Pruner.prune(uneven, List.of(new HeadId(0, 1)), PruneMode.ADAPTIVE);
                IllegalArgumentException e =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> CompactExport.write(uneven, dir.resolve("uneven")));
                assertTrue(e.getMessage().contains("layer 0: 3 heads"), e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void functionPreservingGrowthLeavesLogitsUnchanged(Subject subject) {
        for (PruneMode mode : PruneMode.values()) {
            try (CausalLm model = model(subject, 3, DataType.FLOAT32)) {
                long params = model.numParameters();
                float[] full = logits(model);
                Pruner.prune(model, DOOMED, mode);
                float[] pruned = logits(model);
                assertTrue(maxDiff(full, pruned) > 1e-3, subject + ": pruning changed nothing");
                Grower.grow(
                        model,
                        DOOMED,
                        GrowthInit.FUNCTION_PRESERVING,
                        0.01f,
                        0.01f,
                        new HeadScores(new double[LAYERS][HEADS]),
                        9);
                String what = subject + " " + mode;
                // re-inserting removed heads widens the projections, so the products sum in another
                // order: a few float ulps of logits of size ~3 (1.2e-6 seen on llama-nano)
                assertAllClose(pruned, logits(model), 1e-5, what + ": logits at growth");
                assertEquals(params, model.numParameters(), what + ": every slice is back");
                assertEquals(8, model.gates().numActive());
                for (HeadId head : DOOMED) {
                    assertEquals(0.01f, model.gates().gateValue(head), what);
                    for (HeadSlice s : model.headLayout().slices(head)) {
                        double largest = maxAbs(s);
                        if (s.role() == HeadSlice.Role.OUTPUT && s.weight()) {
                            assertEquals(0, largest, what + ": output slice of " + head);
                        } else if (s.role() == HeadSlice.Role.QUERY && s.weight()) {
                            assertTrue(largest > 0, what + ": " + head + " has no query");
                        }
                    }
                    model.gates().setGate(head, 1f);
                }
                assertAllClose(
                        pruned, logits(model), 1e-5, what + ": open gates, zero output slices");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void cachedDecodingEqualsFullRecomputationAtEveryStep(Subject subject) {
        try (CausalLm model = model(subject, 7, DataType.FLOAT32);
                KvCache cache = model.newCache()) {
            model.removeHeads(List.of(new HeadId(1, 0))); // layer 1 keeps 3 heads (uneven groups)
            model.gates().setMasked(new HeadId(0, 1), true);
            model.gates().setGate(new HeadId(1, 3), 0.5f);
            int length = 10;
            int prompt = 4;
            NDArray tokens = tokens(model.manager(), 11, 2, length);
            try (NDScope scope = new NDScope()) {
                NDIndex head = new NDIndex(":, :" + prompt);
                assertAllClose(
                        model.forward(tokens.get(head), AttentionProbe.NONE),
                        model.forward(tokens.get(head), cache, AttentionProbe.NONE),
                        1e-5,
                        subject + ": prompt logits");
            }
            for (int t = prompt; t < length; t++) {
                try (NDScope scope = new NDScope()) {
                    NDArray step =
                            model.forward(
                                    tokens.get(new NDIndex(":, " + t + ":" + (t + 1))),
                                    cache,
                                    AttentionProbe.NONE); // (B, 1, V)
                    NDArray full =
                            model.forward(
                                    tokens.get(new NDIndex(":, :" + (t + 1))), AttentionProbe.NONE);
                    assertAllClose(
                            full.get(new NDIndex(":, " + t + ":" + (t + 1) + ", :")),
                            step,
                            1e-5,
                            subject + ": logits at position " + t);
                    assertEquals(t + 1, cache.length());
                }
            }
            tokens.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void saveThenLoadIsBitIdenticalAlsoAfterHeadRemoval(Subject subject, @TempDir Path dir)
            throws Exception {
        try (CausalLm model = model(subject, 5, DataType.FLOAT32)) {
            model.gates().setGate(new HeadId(0, 3), 0.25f);
            model.gates().setMasked(new HeadId(1, 1), true);
            assertRoundTrip(subject + " full", model, dir.resolve("full"));
            model.removeHeads(DOOMED);
            assertRoundTrip(subject + " compressed", model, dir.resolve("compressed"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void gateGradientsEqualCentralFiniteDifferencesForEveryHead(Subject subject) {
        try (CausalLm model = model(subject, 7, DataType.FLOAT64);
                NDScope scope = new NDScope()) {
            assertEquals(DataType.FLOAT64, model.gates().gate().value().getDataType());
            NDArray tokens = tokens(manager, 3, 2, 12);
            model.gates().gate().zeroGradient();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(PlainLoss.mean(model, tokens));
            }
            double[] autograd = model.gates().gate().gradient().toDoubleArray();
            assertEquals(LAYERS * HEADS, autograd.length);
            float above = 1.0001f; // gates are set as floats: use the exact float steps
            float below = 0.9999f;
            double largest = 0;
            for (HeadId head : allHeads()) {
                model.gates().setGate(head, above);
                double up = PlainLoss.mean(model, tokens).getDouble();
                model.gates().setGate(head, below);
                double down = PlainLoss.mean(model, tokens).getDouble();
                model.gates().setGate(head, 1f);
                double numeric = (up - down) / ((double) above - below);
                assertEquals(
                        numeric,
                        autograd[head.layer() * HEADS + head.head()],
                        1e-7 + 1e-5 * Math.abs(numeric),
                        subject + ": dL/dg for " + head);
                largest = Math.max(largest, Math.abs(numeric));
            }
            assertTrue(
                    largest > 1e-3,
                    subject + ": gate gradients are all ~0, the check proves nothing: " + largest);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void trainingsFusedLossGivesThePlainGradientsOfEveryParameter(Subject subject) {
        try (CausalLm model = model(subject, 7, DataType.FLOAT64)) {
            FusedLossCheck.assertFusedLossGivesThePlainGradients(
                    model, tokens(manager, 5, 2, 13), 3, subject.preset() + " (tied)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void aPrunedHeadStaysFrozenOrAbsentThroughTraining(Subject subject, @TempDir Path dir)
            throws Exception {
        try (CausalLm model = model(subject, 2, DataType.FLOAT32)) {
            Pruner.prune(model, DOOMED, PruneMode.ADAPTIVE);
            Map<HeadId, float[][]> before = new HashMap<>();
            for (HeadId head : allHeads()) {
                before.put(head, sliceValues(model, head));
            }
            try (Trainer trainer = trainer(model, 8)) {
                trainer.addHook(new HeadSchedule(model, GrowthSchedule.defaults()));
                trainer.run(dir.resolve("adaptive"), f -> {});
            }
            int shared = 0;
            for (HeadId head : allHeads()) {
                List<HeadSlice> slices = model.headLayout().slices(head);
                float[][] now = sliceValues(model, head);
                for (int i = 0; i < now.length; i++) {
                    HeadSlice s = slices.get(i);
                    String what = subject + ": " + s.role() + " slice " + i + " of " + head;
                    boolean groupRole =
                            s.role() == HeadSlice.Role.KEY || s.role() == HeadSlice.Role.VALUE;
                    boolean frozen =
                            DOOMED.contains(head) && !(groupRole && groupHasActive(model, head));
                    if (frozen) {
                        assertArrayEquals(before.get(head)[i], now[i], what + " moved");
                    } else if (s.weight()) {
                        assertFalse(Arrays.equals(before.get(head)[i], now[i]), what + " froze");
                        shared += DOOMED.contains(head) ? 1 : 0;
                    }
                }
                assertEquals(DOOMED.contains(head), model.gates().isMasked(head));
            }
            assertEquals(
                    subject.headsPerGroup() > 1 ? 2 : 0,
                    shared,
                    subject + ": keys and values a masked head shares with an active one train");
        }
        try (CausalLm model = model(subject, 2, DataType.FLOAT32)) {
            Pruner.prune(model, DOOMED, PruneMode.COMPRESSED);
            long params = model.numParameters();
            float[] pruned = logits(model);
            try (Trainer trainer = trainer(model, 8)) {
                trainer.addHook(new HeadSchedule(model, GrowthSchedule.defaults()));
                trainer.run(dir.resolve("compressed"), f -> {});
            }
            assertTrue(maxDiff(pruned, logits(model)) > 1e-4, subject + ": nothing trained");
            assertEquals(params, model.numParameters(), subject + ": training grew slices");
            for (HeadId head : DOOMED) {
                assertFalse(model.config().isPresent(head), subject + ": " + head + " came back");
                assertTrue(model.gates().isMasked(head));
                assertThrows(IllegalArgumentException.class, () -> model.headLayout().slices(head));
            }
            assertRoundTrip(subject + " trained compressed", model, dir.resolve("saved"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void perHeadLearningRatesReadBackFromTheOptimizer(Subject subject, @TempDir Path dir)
            throws Exception {
        GrowthSchedule schedule = new GrowthSchedule(0.01f, 10, 5f, 20);
        HeadId grown = new HeadId(1, 2); // its group-mate (1, 3) stays masked
        float base = 3e-3f;
        int steps = 4;
        try (CausalLm model = model(subject, 4, DataType.FLOAT32)) {
            Pruner.prune(model, DOOMED, PruneMode.ADAPTIVE);
            Grower.grow(
                    model,
                    List.of(grown),
                    GrowthInit.FUNCTION_PRESERVING,
                    schedule.gate(0),
                    0.01f,
                    new HeadScores(new double[LAYERS][HEADS]),
                    1);
            HeadSchedule heads = new HeadSchedule(model, schedule);
            heads.grown(List.of(grown), 0);
            Set<Parameter> headParameters =
                    java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (HeadId head : allHeads()) {
                model.headLayout().slices(head).forEach(s -> headParameters.add(s.parameter()));
            }
            int[] checked = new int[1];
            try (Trainer trainer = trainer(model, steps)) {
                trainer.addHook(heads);
                trainer.addHook(
                        (AfterStep)
                                (step, optimizer) -> {
                                    assertEquals(
                                            schedule.gate(step),
                                            model.gates().gateValue(grown),
                                            1e-7);
                                    Map<HeadId, Float> multipliers = new HashMap<>();
                                    for (HeadId head : allHeads()) {
                                        multipliers.put(
                                                head,
                                                head.equals(grown)
                                                        ? schedule.rateMultiplier(step)
                                                        : model.gates().isMasked(head) ? 0f : 1f);
                                    }
                                    for (HeadId head : allHeads()) {
                                        for (HeadSlice s : model.headLayout().slices(head)) {
                                            boolean groupRole =
                                                    s.role() == HeadSlice.Role.KEY
                                                            || s.role() == HeadSlice.Role.VALUE;
                                            float expected =
                                                    base
                                                            * (groupRole
                                                                    ? groupMultiplier(
                                                                            model,
                                                                            head,
                                                                            multipliers)
                                                                    : multipliers.get(head));
                                            float[] range = rateRange(optimizer, s, base);
                                            String what =
                                                    subject
                                                            + " step "
                                                            + step
                                                            + ": "
                                                            + s.role()
                                                            + (s.weight() ? " weight" : " bias")
                                                            + " rate of "
                                                            + head;
                                            assertEquals(expected, range[0], 1e-9, what + " (min)");
                                            assertEquals(expected, range[1], 1e-9, what + " (max)");
                                            checked[0]++;
                                        }
                                    }
                                    for (Parameter p : model.parameters()) {
                                        if (!headParameters.contains(p)) {
                                            float[] range = rateRange(optimizer, p, null, base);
                                            assertEquals(base, range[0], 1e-9, p.name());
                                            assertEquals(base, range[1], 1e-9, p.name());
                                        }
                                    }
                                });
                trainer.run(dir.resolve("rates"), f -> {});
            }
            assertTrue(checked[0] >= steps * 8 * 4, subject + ": too few slices checked");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Helpers (family-neutral)
    // ---------------------------------------------------------------------------------------

    /**
     * The subject's preset at L = 2, H = 4, width 32, V = 61, with strong seeded weights, checked
     * to have the head shape the suite assumes.
     */
    private static CausalLm model(Subject subject, long seed, DataType dtype) {
        Family.Preset preset =
                Families.preset(subject.preset())
                        .orElseThrow(() -> new AssertionError("no preset " + subject.preset()));
        CausalLm model = preset.initialize(VOCAB, LAYERS, HEADS, WIDTH, manager, seed, dtype);
        SplittableRandom random = new SplittableRandom(seed + 1);
        for (Parameter p : model.parameters()) {
            Shape shape = p.value().getShape();
            float[] values;
            if (shape.dimension() == 1) {
                try (NDArray f = p.value().toType(DataType.FLOAT32, true)) {
                    values = f.toFloatArray(); // norm weights stay around 1, biases around 0
                }
            } else {
                values = new float[Math.toIntExact(shape.size())];
            }
            for (int i = 0; i < values.length; i++) {
                values[i] += (float) (random.nextGaussian() * 0.2);
            }
            p.replace(Init.ofType(EngineArrays.of(model.manager(), values, shape), dtype));
        }
        assertEquals(LAYERS, model.config().numLayers());
        assertEquals(HEADS, model.config().numHeads());
        assertEquals(VOCAB, model.config().vocabSize());
        for (int layer = 0; layer < LAYERS; layer++) {
            AttentionLayout layout = model.attentionLayout(layer);
            assertEquals(HEAD_DIM, layout.headDim(), subject + ": head dim");
            assertEquals(subject.headsPerGroup(), layout.headsPerGroup(), subject + ": groups");
        }
        return model;
    }

    private static List<HeadId> allHeads() {
        List<HeadId> heads = new ArrayList<>();
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int h = 0; h < HEADS; h++) {
                heads.add(new HeadId(layer, h));
            }
        }
        return heads;
    }

    private static NDArray tokens(NDManager m, long seed, int batch, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] ids = new long[batch * length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(VOCAB);
        }
        return EngineArrays.of(m, ids, new Shape(batch, length));
    }

    private static float[] logits(CausalLm model) {
        try (NDScope scope = new NDScope()) {
            return floats(model.forward(tokens(model.manager(), 21, 2, 12), AttentionProbe.NONE));
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs((double) a[i] - b[i]));
        }
        return d;
    }

    private static float[][] sliceValues(CausalLm model, HeadId head) {
        List<HeadSlice> slices = model.headLayout().slices(head);
        float[][] out = new float[slices.size()][];
        for (int i = 0; i < out.length; i++) {
            try (NDScope scope = new NDScope()) {
                HeadSlice s = slices.get(i);
                out[i] = floats(s.parameter().value().get(s.index()));
            }
        }
        return out;
    }

    private static double maxAbs(HeadSlice s) {
        try (NDScope scope = new NDScope()) {
            return s.parameter()
                    .value()
                    .get(s.index())
                    .abs()
                    .max()
                    .toType(DataType.FLOAT64, false)
                    .getDouble();
        }
    }

    /** Where a slice lies, to tell a key/value group's shared slices apart from a head's own. */
    private record Place(Parameter parameter, int axis, long start) {}

    private static Place place(HeadSlice s) {
        return new Place(s.parameter(), s.axis(), s.start());
    }

    private static long elements(HeadSlice s) {
        Shape shape = s.parameter().value().getShape();
        return shape.size() / shape.get(s.axis()) * s.length();
    }

    /**
     * Elements that leave the model with {@code heads}: their slices, except those a kept head
     * still reads (a key/value group with a kept member), each counted once.
     */
    private static long elementsLeavingWith(CausalLm model, List<HeadId> heads) {
        Set<Place> kept = new HashSet<>();
        for (HeadId head : allHeads()) {
            if (!heads.contains(head)) {
                model.headLayout().slices(head).forEach(s -> kept.add(place(s)));
            }
        }
        Map<Place, Long> leaving = new HashMap<>();
        for (HeadId head : heads) {
            for (HeadSlice s : model.headLayout().slices(head)) {
                if (!kept.contains(place(s))) {
                    leaving.put(place(s), elements(s));
                }
            }
        }
        return leaving.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Query-bias elements of one head (0 for a family without attention biases). */
    private static long queryBias(CausalLm model) {
        return model.headLayout().slices(new HeadId(0, 0)).stream()
                .filter(s -> !s.weight() && s.role() == HeadSlice.Role.QUERY)
                .mapToLong(FamilyContractTest::elements)
                .sum();
    }

    /** Key and value elements (weights and biases) of one key/value group. */
    private static long kvElementsOfOneGroup(CausalLm model) {
        return model.headLayout().slices(new HeadId(0, 0)).stream()
                .filter(s -> s.role() == HeadSlice.Role.KEY || s.role() == HeadSlice.Role.VALUE)
                .mapToLong(FamilyContractTest::elements)
                .sum();
    }

    /** Whether another unmasked present head reads {@code head}'s key/value group. */
    private static boolean groupHasActive(CausalLm model, HeadId head) {
        AttentionLayout layout = model.attentionLayout(head.layer());
        for (int h : model.config().headsPresent(head.layer())) {
            HeadId other = new HeadId(head.layer(), h);
            if (h != head.head()
                    && layout.group(h) == layout.group(head.head())
                    && !model.gates().isMasked(other)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A key/value group's rate multiplier: 1 while any of its present heads trains at the base
     * rate, else the highest of theirs (0 when every one is frozen).
     */
    private static float groupMultiplier(
            CausalLm model, HeadId head, Map<HeadId, Float> multipliers) {
        AttentionLayout layout = model.attentionLayout(head.layer());
        float highest = 0f;
        for (int h : model.config().headsPresent(head.layer())) {
            if (layout.group(h) == layout.group(head.head())) {
                float m = multipliers.get(new HeadId(head.layer(), h));
                if (m == 1f) {
                    return 1f;
                }
                highest = Math.max(highest, m);
            }
        }
        return highest;
    }

    private static float[] rateRange(AdamW optimizer, HeadSlice s, float base) {
        return rateRange(optimizer, s.parameter(), s.index(), base);
    }

    /** The smallest and largest effective rate of {@code p}, or of its part {@code index}. */
    private static float[] rateRange(AdamW optimizer, Parameter p, NDIndex index, float base) {
        try (NDScope scope = new NDScope()) {
            NDArray rate = optimizer.effectiveRate(p, base);
            NDArray part = index == null ? rate : rate.get(index);
            return new float[] {part.min().getFloat(), part.max().getFloat()};
        }
    }

    private static void assertRoundTrip(String what, CausalLm model, Path folder) throws Exception {
        ModelFiles.save(model, folder);
        try (CausalLm reloaded = ModelFiles.load(folder, manager)) {
            assertSame(Families.of(model), Families.of(reloaded), what + ": family");
            assertEquals(model.config(), reloaded.config(), what + ": config");
            assertArrayEquals(model.gates().gateValues(), reloaded.gates().gateValues(), what);
            assertArrayEquals(model.gates().maskValues(), reloaded.gates().maskValues(), what);
            List<Parameter> a = model.parameters();
            List<Parameter> b = reloaded.parameters();
            assertEquals(a.size(), b.size(), what + ": parameters");
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).name(), b.get(i).name());
                try (NDScope scope = new NDScope()) {
                    assertBitIdentical(
                            floats(a.get(i).value()),
                            floats(b.get(i).value()),
                            what + ": " + a.get(i).name());
                }
            }
            assertBitIdentical(logits(model), logits(reloaded), what + ": logits");
        }
    }

    // ---------------------------------------------------------------------------------------
    // U-Net skips
    // ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void attachingUnetSkipsLeavesLogitsUnchangedUntilTheyTrain(Subject subject, @TempDir Path dir)
            throws Exception {
        try (CausalLm model = model(subject, 7, DataType.FLOAT32)) {
            float[] plain = logits(model);
            long before = model.numParameters();
            model.setUnet(UnetSkips.create(model, new UnetSkips.Settings(1f, false)));
            assertBitIdentical(plain, logits(model), subject + ": logits with zero skips");
            long reading = LAYERS - LAYERS / 2;
            assertEquals(
                    2L * WIDTH * WIDTH * reading + WIDTH * reading,
                    model.numParameters() - before,
                    subject + ": skip parameters = 2·E²·(reading blocks) + biases");
            model.unet().orElseThrow().setRateMultiplier(5f);
            try (Trainer trainer = trainer(model, 15)) {
                for (Parameter p : model.unet().orElseThrow().parameters()) {
                    try (NDScope scope = new NDScope()) {
                        assertAllClose(
                                new float[] {5 * 3e-3f},
                                new float[] {
                                    trainer.optimizer().effectiveRate(p, 3e-3f).max().getFloat()
                                },
                                1e-9,
                                p.name() + ": trains at the multiplied rate");
                    }
                }
                trainer.run(dir, f -> {});
            }
            for (Parameter p : model.unet().orElseThrow().parameters()) {
                try (NDScope scope = new NDScope()) {
                    assertTrue(
                            p.value().abs().max().getFloat() > 0,
                            subject + ": " + p.name() + " received no update");
                }
            }
            float[] trained = logits(model);
            model.setUnet(null);
            assertTrue(
                    maxDiff(trained, logits(model)) > 1e-3,
                    subject + ": the trained skips do not change the output");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void unetSkipGradientsEqualCentralFiniteDifferences(Subject subject) {
        try (CausalLm model = model(subject, 7, DataType.FLOAT64);
                NDScope scope = new NDScope()) {
            model.setUnet(UnetSkips.create(model, new UnetSkips.Settings(0.5f, true)));
            List<Parameter> skips = model.unet().orElseThrow().parameters();
            randomize(skips, 3);
            NDArray tokens = tokens(manager, 3, 2, 12);
            skips.forEach(Parameter::zeroGradient);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(PlainLoss.mean(model, tokens));
            }
            double largest = 0;
            for (Parameter p : skips) { // W_i, b_i, s_i
                double[] autograd = p.gradient().toDoubleArray();
                for (int element :
                        new int[] {0, (int) p.numElements() / 2, (int) p.numElements() - 1}) {
                    NDIndex at = new NDIndex(element);
                    NDArray flat = p.value().reshape(-1);
                    double value = flat.getDouble(element);
                    double h = 1e-6;
                    flat.set(at, value + h);
                    double up = PlainLoss.mean(model, tokens).getDouble();
                    flat.set(at, value - h);
                    double down = PlainLoss.mean(model, tokens).getDouble();
                    flat.set(at, value);
                    double numeric = (up - down) / (2 * h);
                    assertEquals(
                            numeric,
                            autograd[element],
                            1e-8 + 1e-5 * Math.abs(numeric),
                            subject + ": dL/d" + p.name() + "[" + element + "]");
                    largest = Math.max(largest, Math.abs(numeric));
                }
            }
            assertTrue(largest > 1e-4, subject + ": skip gradients all ~0: " + largest);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void unetSkipsSaveLoadBitIdenticallyAndKeepCachedDecodingExact(
            Subject subject, @TempDir Path dir) throws Exception {
        try (CausalLm model = model(subject, 5, DataType.FLOAT32)) {
            model.setUnet(UnetSkips.create(model, new UnetSkips.Settings(0.7f, true)));
            randomize(model.unet().orElseThrow().parameters(), 9);
            model.removeHeads(DOOMED);
            assertRoundTrip(subject + " with skips", model, dir.resolve("unet"));
            try (CausalLm reloaded = ModelFiles.load(dir.resolve("unet"), manager)) {
                assertEquals(
                        model.unet().orElseThrow().settings(),
                        reloaded.unet().orElseThrow().settings());
            }
            try (KvCache cache = model.newCache();
                    NDScope scope = new NDScope()) {
                NDArray tokens = tokens(model.manager(), 11, 2, 8);
                NDArray full = model.forward(tokens, AttentionProbe.NONE);
                model.forward(tokens.get(new NDIndex(":, :5")), cache, AttentionProbe.NONE);
                NDArray rest =
                        model.forward(tokens.get(new NDIndex(":, 5:")), cache, AttentionProbe.NONE);
                assertAllClose(full.get(new NDIndex(":, 5:, :")), rest, 1e-5, subject + ": cached");
            }
            model.setUnet(null);
            ModelFiles.save(model, dir.resolve("unet")); // saved again without: no stale file
            try (CausalLm reloaded = ModelFiles.load(dir.resolve("unet"), manager)) {
                assertFalse(reloaded.unet().isPresent(), subject + ": skips came back");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void skipTransferGrowthLeavesLogitsUnchangedAndStartsFromTheBasis(Subject subject) {
        try (CausalLm model = model(subject, 3, DataType.FLOAT32)) {
            model.setUnet(UnetSkips.create(model, new UnetSkips.Settings(1f, false)));
            randomize(model.unet().orElseThrow().parameters(), 4);
            HeadId masked = new HeadId(0, 2);
            HeadId removed = new HeadId(1, 1);
            model.gates().setMasked(masked, true);
            model.removeHeads(List.of(removed));
            float[] pruned = logits(model);
            int[] ids = new int[4 * 12];
            SplittableRandom random = new SplittableRandom(8);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(VOCAB);
            }
            ai.sentinel.data.TokenBlocks blocks = new ai.sentinel.data.TokenBlocks(ids, 11);
            Map<Integer, double[][]> bases =
                    SkipTransfer.bases(
                            model,
                            List.of(0, 1),
                            List.of(ai.sentinel.data.Batch.of(blocks, new int[] {0, 1, 2})),
                            1);
            HeadScores none = new HeadScores(new double[LAYERS][HEADS]);
            Grower.grow(
                    model,
                    List.of(masked, removed),
                    GrowthInit.SKIP_TRANSFER,
                    1f,
                    1f,
                    none,
                    bases,
                    5);
            assertAllClose(
                    pruned, logits(model), 1e-5, subject + ": logits at the instant of growth");
            for (HeadId head : List.of(masked, removed)) {
                double[][] basis = bases.get(head.layer());
                for (HeadSlice s : model.headLayout().slices(head)) {
                    if (s.role() != HeadSlice.Role.QUERY || !s.weight()) {
                        continue;
                    }
                    float[] q;
                    try (NDScope scope = new NDScope()) {
                        NDArray slice = s.parameter().value().get(s.index());
                        q = floats(s.axis() == 1 ? slice : slice.transpose()); // (E, d)
                    }
                    // every column is its basis direction times one positive factor
                    double factor = 0;
                    for (int i = 0; i < WIDTH; i++) {
                        factor += q[i * HEAD_DIM] * basis[i][0];
                    }
                    assertTrue(factor > 0, subject + ": " + head + " query not from the basis");
                    for (int i = 0; i < WIDTH; i++) {
                        for (int j = 0; j < HEAD_DIM; j++) {
                            assertEquals(
                                    factor * basis[i][j],
                                    q[i * HEAD_DIM + j],
                                    1e-5,
                                    subject + ": " + head + " query[" + i + "][" + j + "]");
                        }
                    }
                }
            }
        }
    }

    private static void randomize(List<Parameter> parameters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : parameters) {
            float[] values = new float[Math.toIntExact(p.numElements())];
            for (int i = 0; i < values.length; i++) {
                values[i] =
                        (float) (random.nextGaussian() * 0.1) + (p.numElements() == 1 ? 0.5f : 0f);
            }
            NDArray v = EngineArrays.of(p.value().getManager(), values, p.value().getShape());
            p.value().set(new NDIndex("..."), v.toType(p.value().getDataType(), false));
            v.close();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Training fixtures
    // ---------------------------------------------------------------------------------------

    /** A learnable token stream: every fifth token random, the others a fixed function of it. */
    private static TextDataset data() {
        int[] tokens = new int[3000];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5 == 0 ? r.nextInt(VOCAB) : (tokens[i - 1] * 7 + 3) % VOCAB;
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
                        LrSchedule.constant(3e-3f),
                        AdamWConfig.defaults(),
                        1f,
                        0,
                        1,
                        0,
                        1,
                        false),
                StepListener.NONE);
    }
}
