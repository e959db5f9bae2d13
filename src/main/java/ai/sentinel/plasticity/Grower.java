package ai.sentinel.plasticity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadRemap;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.nn.Init;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Brings pruned heads back: re-inserts removed heads' slices (compressed), initialises the slices
 * as {@link GrowthInit} says, opens the mask and sets the gate to the warm-up's start. Runs outside
 * any NDScope.
 */
public final class Grower {
    private static final float FRESH_STD = 0.02f;
    private static final float COPY_NOISE_STD = 1e-3f;

    private Grower() {}

    /**
     * @param importance active heads' importance, to choose the donor for {@link GrowthInit#COPY}
     * @return the re-layouts of inserted heads, for the optimizer to follow
     */
    public static List<HeadRemap> grow(
            CausalLm model,
            Collection<HeadId> heads,
            GrowthInit init,
            float startGate,
            float initialScale,
            HeadScores importance,
            long seed) {
        return grow(model, heads, init, startGate, initialScale, importance, Map.of(), seed);
    }

    /**
     * As above; {@code transferBases} (layer → E × d directions, from {@link SkipTransfer}) is what
     * {@link GrowthInit#SKIP_TRANSFER} starts the heads' queries, keys and values from.
     */
    public static List<HeadRemap> grow(
            CausalLm model,
            Collection<HeadId> heads,
            GrowthInit init,
            float startGate,
            float initialScale,
            HeadScores importance,
            Map<Integer, double[][]> transferBases,
            long seed) {
        List<HeadId> absent = new ArrayList<>();
        for (HeadId h : heads) {
            if (!model.config().isPresent(h)) {
                absent.add(h);
            }
        }
        if (init == GrowthInit.REVIVE && !absent.isEmpty()) {
            throw new IllegalArgumentException(
                    "growth init revive needs stored weights, but heads "
                            + absent
                            + " were removed (compressed pruning); use function_preserving, copy or scaled");
        }
        List<HeadRemap> remaps = absent.isEmpty() ? List.of() : model.insertHeads(absent);
        SplittableRandom random = new SplittableRandom(seed);
        for (HeadId h : heads) {
            initialise(
                    model,
                    h,
                    absent.contains(h),
                    init,
                    initialScale,
                    importance,
                    transferBases.get(h.layer()),
                    random);
            model.gates().setMasked(h, false);
            model.gates().setGate(h, startGate);
        }
        return remaps;
    }

    /**
     * Gives inserted (all-zero) heads fresh weights: N(0, 0.02) for every weight slice, zero
     * biases; a key/value group another active head reads keeps its keys and values.
     */
    static void initialiseFresh(CausalLm model, List<HeadId> heads, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (HeadId h : heads) {
            boolean groupInUse = groupInUse(model, h);
            for (HeadSlice s : model.headLayout().slices(h)) {
                if (groupInUse
                        && (s.role() == HeadSlice.Role.KEY || s.role() == HeadSlice.Role.VALUE)) {
                    continue; // the group's keys and values serve an active head
                }
                NDArray current = s.parameter().value().get(s.index());
                NDArray value = fresh(current, s, random);
                s.parameter().value().set(s.index(), value);
                value.close();
                current.close();
            }
        }
    }

    private static void initialise(
            CausalLm model,
            HeadId head,
            boolean fresh,
            GrowthInit init,
            float initialScale,
            HeadScores importance,
            double[][] transferBasis,
            SplittableRandom random) {
        List<HeadSlice> slices = model.headLayout().slices(head);
        List<HeadSlice> donor =
                init == GrowthInit.COPY
                        ? model.headLayout().slices(donor(model, head, importance))
                        : List.of();
        boolean groupInUse = groupInUse(model, head);
        for (int i = 0; i < slices.size(); i++) {
            HeadSlice s = slices.get(i);
            boolean shared =
                    groupInUse
                            && (s.role() == HeadSlice.Role.KEY || s.role() == HeadSlice.Role.VALUE);
            if (shared) {
                continue; // the group's keys and values serve an active head: they stay as they are
            }
            NDArray current = s.parameter().value().get(s.index());
            boolean outputRows =
                    s.role() == HeadSlice.Role.OUTPUT && s.weight(); // zero: function preserved
            NDArray value =
                    switch (init) {
                        case REVIVE -> current.duplicate();
                        case FUNCTION_PRESERVING ->
                                outputRows
                                        ? current.zerosLike()
                                        : fresh ? fresh(current, s, random) : current.duplicate();
                        case SCALED ->
                                (fresh ? fresh(current, s, random) : current.duplicate())
                                        .muli(initialScale);
                        case COPY -> withNoise(donor.get(i), random);
                        case SKIP_TRANSFER ->
                                outputRows || !s.weight()
                                        ? current.zerosLike()
                                        : transferred(model, head, s, current, transferBasis);
                    };
            s.parameter().value().set(s.index(), value);
            value.close();
            current.close();
        }
    }

    /**
     * Whether another active query head reads {@code head}'s key/value group (grouped-query
     * attention): then the group's keys and values are left alone, so growth changes no active
     * head. A group regrown whole is initialised by its first head.
     */
    private static boolean groupInUse(CausalLm model, HeadId head) {
        ai.sentinel.model.AttentionLayout layout = model.attentionLayout(head.layer());
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

    private static NDArray fresh(NDArray like, HeadSlice s, SplittableRandom random) {
        NDManager m = like.getManager();
        return s.weight()
                ? Init.normal(m, random, FRESH_STD, like.getDataType(), like.getShape().getShape())
                : like.zerosLike();
    }

    /**
     * The basis (E × d) laid out as the slice is (E × d, or d × E for an [out, in] weight), its
     * columns scaled so the slice's norm is the mean norm of the same slice of the layer's other
     * active heads (N(0, 0.02)'s expected norm when there are none).
     */
    private static NDArray transferred(
            CausalLm model, HeadId head, HeadSlice s, NDArray current, double[][] basis) {
        if (basis == null) {
            throw new IllegalStateException("no skip-transfer basis for layer " + head.layer());
        }
        int E = basis.length;
        int d = basis[0].length;
        long[] shape = current.getShape().getShape();
        boolean columns = s.axis() == 1; // (E, d)
        if (shape.length != 2 || shape[columns ? 0 : 1] != E || shape[columns ? 1 : 0] != d) {
            throw new IllegalStateException(
                    "skip transfer: slice of "
                            + s.parameter().name()
                            + " has shape "
                            + current.getShape());
        }
        double target = meanNorm(model, head, s.role());
        if (Double.isNaN(target)) {
            target = FRESH_STD * Math.sqrt((double) E * d);
        }
        double perColumn = target / Math.sqrt(d); // each basis column has unit length
        float[] values = new float[E * d];
        for (int i = 0; i < E; i++) {
            for (int j = 0; j < d; j++) {
                values[columns ? i * d + j : j * E + i] = (float) (basis[i][j] * perColumn);
            }
        }
        return ai.sentinel.nn.Init.ofType(
                ai.sentinel.nn.EngineArrays.of(current.getManager(), values, current.getShape()),
                current.getDataType());
    }

    /** Mean Frobenius norm of the {@code role} weight slice over the layer's other active heads. */
    private static double meanNorm(CausalLm model, HeadId head, HeadSlice.Role role) {
        double sum = 0;
        int n = 0;
        for (int h : model.config().headsPresent(head.layer())) {
            HeadId other = new HeadId(head.layer(), h);
            if (h == head.head() || model.gates().isMasked(other)) {
                continue;
            }
            for (HeadSlice s : model.headLayout().slices(other)) {
                if (s.role() == role && s.weight()) {
                    try (NDArray v = s.parameter().value().get(s.index())) {
                        sum += v.norm().toType(DataType.FLOAT64, false).getDouble();
                        n++;
                    }
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static NDArray withNoise(HeadSlice donor, SplittableRandom random) {
        NDArray source = donor.parameter().value().get(donor.index());
        NDArray noise =
                Init.normal(
                        source.getManager(),
                        random,
                        COPY_NOISE_STD,
                        source.getDataType(),
                        source.getShape().getShape());
        NDArray value = source.add(noise);
        source.close();
        noise.close();
        return value;
    }

    /** The most important active head of the layer, or of the model if the layer has none. */
    private static HeadId donor(CausalLm model, HeadId head, HeadScores importance) {
        java.util.Comparator<HeadId> byImportance =
                java.util.Comparator.comparingDouble(importance::get);
        List<HeadId> active =
                importance.measured().stream()
                        .filter(h -> !h.equals(head) && !model.gates().isMasked(h))
                        .toList();
        return active.stream()
                .filter(h -> h.layer() == head.layer())
                .max(byImportance)
                .or(() -> active.stream().max(byImportance))
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "copy growth needs an active head to copy from"));
    }
}
