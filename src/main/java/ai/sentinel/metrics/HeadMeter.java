package ai.sentinel.metrics;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.sentinel.data.Batch;
import ai.sentinel.data.BatchProgress;
import ai.sentinel.data.TokenBlocks;
import ai.sentinel.model.AttentionCapture;
import ai.sentinel.model.AttentionLayout;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Losses;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures every head present in one pass over the first {@code numBatches} batches of a fixed
 * block set: per batch, a forward pass capturing attention, the mean next-token loss, and its
 * backward pass.
 *
 * <pre>
 *   entropy of query row i:   H_i = −Σ_{j≤i} p_ij ln p_ij        normalised: H_i / ln(i + 1), rows i ≥ 1
 *   gradient norm of head h:  Σ_s ‖∂L/∂W_s‖_F / n_s over its weight slices (q, k, v columns of c_attn, rows of
 *                             c_proj), n_s = 1 for its own query and output slices and, for key and value slices,
 *                             the present query heads sharing them (grouped-query attention): its share of the group
 *   magnitude of head h:      Σ_s ‖W_s‖_F / n_s
 *   key/value share:          the terms of the two sums over key and value slices, reported apart as well
 *   importance of head h:     E_batches |∂L/∂g_h|
 * </pre>
 *
 * Leaves no gradients behind that a trainer would mistake for its own: all are zeroed before and
 * after.
 */
@SuppressWarnings("LocalVariableName") // B, H, T as in the paper
public final class HeadMeter {
    private final TokenBlocks blocks;
    private final int batchSize;
    private final int numBatches;

    public HeadMeter(TokenBlocks blocks, int batchSize, int numBatches) {
        if (batchSize < 1 || numBatches < 1) {
            throw new IllegalArgumentException("batch size and number of batches must be >= 1");
        }
        this.blocks = blocks;
        this.batchSize = batchSize;
        this.numBatches = (int) Math.min(numBatches, Math.max(1, blocks.numBlocks() / batchSize));
    }

    public HeadMeasurements measure(CausalLm model, MaskedHeads policy) {
        return measure(model, policy, BatchProgress.NONE);
    }

    /**
     * Measures every present head on the validation batches, telling {@code progress} after each.
     */
    public HeadMeasurements measure(CausalLm model, MaskedHeads policy, BatchProgress progress) {
        int L = model.config().numLayers();
        int H = model.config().numHeads();
        List<HeadId> present = presentHeads(model);
        List<Lifted> lifted =
                policy == MaskedHeads.AS_IS
                        ? List.of()
                        : liftMasks(
                                model,
                                present,
                                policy == MaskedHeads.LIFTED_AT_ZERO_GATE ? 0f : 1f);
        double[][] entropy = nan(L, H);
        double[][] normalized = nan(L, H);
        double[][] gradient = nan(L, H);
        double[][] gradientKv = nan(L, H);
        double[][] importance = nan(L, H);
        present.forEach(
                h -> {
                    entropy[h.layer()][h.head()] = 0;
                    normalized[h.layer()][h.head()] = 0;
                    gradient[h.layer()][h.head()] = 0;
                    gradientKv[h.layer()][h.head()] = 0;
                    importance[h.layer()][h.head()] = 0;
                });
        // gradients exactly where a head's slices are (and the gates), trained or not: the
        // embeddings' and MLPs' would be most of the model's size again, and nothing reads them
        java.util.Set<Parameter> sliced = sliced(model, present);
        model.parameters().forEach(p -> p.value().setRequiresGradient(sliced.contains(p)));
        try {
            for (int b = 0; b < numBatches; b++) {
                measureBatch(
                        model,
                        batch(b),
                        present,
                        new double[][][] {entropy, normalized, gradient, gradientKv, importance});
                progress.batchDone(b + 1, numBatches);
            }
        } finally {
            restoreMasks(model, lifted);
            model.parameters().forEach(p -> p.value().setRequiresGradient(p.trainable()));
            model.parameters().forEach(Parameter::dropGradient);
            model.gates().gate().dropGradient();
        }
        scale(entropy, 1.0 / numBatches);
        scale(normalized, 1.0 / numBatches);
        scale(gradient, 1.0 / numBatches);
        scale(gradientKv, 1.0 / numBatches);
        scale(importance, 1.0 / numBatches);
        double[][] magnitude = nan(L, H);
        double[][] magnitudeKv = nan(L, H);
        try (NDScope scope = new NDScope()) {
            for (HeadId h : present) {
                SliceNorms norms = sliceNorms(model, h, false);
                magnitude[h.layer()][h.head()] = norms.total();
                magnitudeKv[h.layer()][h.head()] = norms.kvShare();
            }
        }
        return new HeadMeasurements(
                new HeadScores(entropy),
                new HeadScores(normalized),
                new HeadScores(gradient),
                new HeadScores(gradientKv),
                new HeadScores(magnitude),
                new HeadScores(magnitudeKv),
                new HeadScores(importance),
                kvShared(model),
                numBatches);
    }

    /** The batches every measurement reads, in order. */
    public List<Batch> batches() {
        List<Batch> list = new ArrayList<>();
        for (int b = 0; b < numBatches; b++) {
            list.add(batch(b));
        }
        return list;
    }

    private Batch batch(int index) {
        int[] indices = new int[Math.min(batchSize, blocks.numBlocks())];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = index * batchSize + i;
        }
        return Batch.of(blocks, indices);
    }

    /**
     * Measures one batch a sequence at a time: each sequence's forward and backward pass adds its
     * share of the batch's mean loss to the gradients, which therefore come out as the whole
     * batch's (up to the order of the additions), while only one sequence's activations and
     * attention probabilities exist at a time (a quarter of the memory at four sequences a batch;
     * measuring was the upgrade's peak).
     */
    private static void measureBatch(
            CausalLm model, Batch batch, List<HeadId> present, double[][][] sums) {
        try (NDScope scope = new NDScope()) {
            zeroGradients(model);
            NDManager m = model.manager();
            int rows = batch.batchSize();
            int T = batch.length();
            long tokens = (long) rows * T;
            for (int row = 0; row < rows; row++) {
                try (NDScope sequence = new NDScope()) {
                    Batch oneRow = batch.rows(row, row + 1);
                    Shape one = new Shape(1, T);
                    NDArray inputs = EngineArrays.of(m, oneRow.inputs(), one);
                    NDArray targets = EngineArrays.of(m, oneRow.targets(), one);
                    AttentionCapture capture = new AttentionCapture();
                    try (GradientCollector collector =
                            Engine.getInstance().newGradientCollector()) {
                        NDArray loss =
                                Scalars.dividedBy(
                                        Losses.crossEntropySum(
                                                model.forward(inputs, capture), targets),
                                        tokens);
                        collector.backward(loss);
                    }
                    addEntropies(model, capture.probabilities(), sums[0], sums[1], 1.0 / rows);
                }
            }
            float[] gateGrad =
                    model.gates().gate().gradient().toType(DataType.FLOAT32, false).toFloatArray();
            int H = model.config().numHeads();
            for (HeadId h : present) {
                SliceNorms norms = sliceNorms(model, h, true);
                sums[2][h.layer()][h.head()] += norms.total();
                sums[3][h.layer()][h.head()] += norms.kvShare();
                sums[4][h.layer()][h.head()] += Math.abs(gateGrad[h.layer() * H + h.head()]);
            }
        }
    }

    /**
     * Adds each present head's mean raw and normalised entropy over these sequences, times {@code
     * weight} (their share of the batch).
     */
    private static void addEntropies(
            CausalLm model,
            List<NDArray> probsPerLayer,
            double[][] raw,
            double[][] normalized,
            double weight) {
        for (int layer = 0; layer < probsPerLayer.size(); layer++) {
            NDArray p = probsPerLayer.get(layer); // (B, Hp, T, T)
            long T = p.getShape().get(2);
            if (T < 2) {
                continue;
            }
            NDArray rowEntropy =
                    p.mul(p.clip(1e-30f, 1f).log()).sum(new int[] {-1}).neg(); // (B, Hp, T)
            float[] inverseLog = new float[(int) T];
            for (int i = 1; i < T; i++) {
                inverseLog[i] = (float) (1 / Math.log(i + 1));
            }
            NDArray weights = EngineArrays.of(p.getManager(), inverseLog, new Shape(T));
            NDArray rows = rowEntropy.get(new NDIndex(":, :, 1:")); // rows with at least two keys
            float[] rawMean = // (Hp); a float64 model's entropies are read as float32
                    rows.mean(new int[] {2})
                            .mean(new int[] {0})
                            .toType(DataType.FLOAT32, false)
                            .toFloatArray();
            float[] normMean =
                    rowEntropy
                            .mul(weights)
                            .get(new NDIndex(":, :, 1:"))
                            .mean(new int[] {2})
                            .mean(new int[] {0})
                            .toType(DataType.FLOAT32, false)
                            .toFloatArray();
            int[] heads = presentIn(model, layer);
            for (int i = 0; i < heads.length; i++) {
                raw[layer][heads[i]] += weight * rawMean[i];
                normalized[layer][heads[i]] += weight * normMean[i];
            }
        }
    }

    /** A head's Frobenius-norm sum split into its own slices and its key/value share. */
    private record SliceNorms(double own, double kvShare) {
        double total() {
            return own + kvShare;
        }
    }

    /** Whether any layer's key/value heads each serve more than one query head. */
    private static boolean kvShared(CausalLm model) {
        for (int l = 0; l < model.config().numLayers(); l++) {
            if (model.attentionLayout(l).headsPerGroup() > 1) {
                return true;
            }
        }
        return false;
    }

    /**
     * Σ over {@code head}'s weight slices of the Frobenius norm of their gradients ({@code
     * ofGradients}) or values, a key or value slice divided among the present query heads of its
     * group (so a grouped-query head is not credited with its whole group's keys and values).
     */
    private static SliceNorms sliceNorms(CausalLm model, HeadId head, boolean ofGradients) {
        AttentionLayout layout = model.attentionLayout(head.layer());
        long sharing =
                java.util.Arrays.stream(model.config().headsPresent(head.layer()))
                        .filter(h -> layout.group(h) == layout.group(head.head()))
                        .count();
        double own = 0;
        double kvShare = 0;
        for (HeadSlice s : model.headLayout().slices(head)) {
            if (s.weight()) {
                NDArray source = ofGradients ? s.parameter().gradient() : s.parameter().value();
                NDArray slice = source.get(s.index()).flatten();
                double norm =
                        Math.sqrt(slice.dot(slice).toType(DataType.FLOAT64, false).getDouble());
                boolean shared = s.role() == HeadSlice.Role.KEY || s.role() == HeadSlice.Role.VALUE;
                if (shared) {
                    kvShare += norm / sharing;
                } else {
                    own += norm;
                }
            }
        }
        return new SliceNorms(own, kvShare);
    }

    static List<HeadId> presentHeads(CausalLm model) {
        List<HeadId> heads = new ArrayList<>();
        for (int l = 0; l < model.config().numLayers(); l++) {
            for (int h : presentIn(model, l)) {
                heads.add(new HeadId(l, h));
            }
        }
        return heads;
    }

    private static int[] presentIn(CausalLm model, int layer) {
        return model.config().headsPresent(layer);
    }

    /** A masked head opened for measuring, and the gate it had. */
    private record Lifted(HeadId head, float gate) {}

    private static List<Lifted> liftMasks(CausalLm model, List<HeadId> present, float gate) {
        List<Lifted> lifted = new ArrayList<>();
        for (HeadId h : present) {
            if (model.gates().isMasked(h)) {
                lifted.add(new Lifted(h, model.gates().gateValue(h)));
                model.gates().setGate(h, gate);
                model.gates().setMasked(h, false);
            }
        }
        return lifted;
    }

    private static void restoreMasks(CausalLm model, List<Lifted> lifted) {
        for (Lifted l : lifted) {
            model.gates().setMasked(l.head(), true);
            model.gates().setGate(l.head(), l.gate());
        }
    }

    /** The parameters that hold a slice of a present head. */
    private static java.util.Set<Parameter> sliced(CausalLm model, List<HeadId> present) {
        java.util.Set<Parameter> sliced =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (HeadId h : present) {
            model.headLayout().slices(h).forEach(s -> sliced.add(s.parameter()));
        }
        return sliced;
    }

    private static void zeroGradients(CausalLm model) {
        model.parameters().forEach(Parameter::zeroGradient);
        model.gates().gate().zeroGradient();
    }

    private static double[][] nan(int L, int H) {
        double[][] a = new double[L][H];
        for (double[] row : a) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        return a;
    }

    private static void scale(double[][] a, double factor) {
        for (double[] row : a) {
            for (int i = 0; i < row.length; i++) {
                row[i] *= factor;
            }
        }
    }
}
