package ai.sentinel.plasticity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.data.Batch;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.UnetSkips;
import ai.sentinel.nn.EngineArrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The basis of {@link GrowthInit#SKIP_TRANSFER} growth: for a head grown in layer ℓ of a model with
 * U-Net skips, the d leading principal directions (d = head dim) of the skip-fused features that
 * join ℓ and its mirror L−1−ℓ — the output of the pair's reading block r = max(ℓ, L−1−ℓ), {@code
 * y_r + s_r·(W_r[y_r; e_{L−1−r}] + b_r)}, over every token of the measurement batches, centred.
 *
 * <p>Directions are found by orthogonal (subspace) iteration on the E × E covariance: {@code Q ←
 * orth(Σ·Q)} from a seeded random start until the subspace stops moving, so no eigen-solver is
 * needed beyond matrix products.
 */
public final class SkipTransfer {
    private static final int MAX_ITERATIONS = 500;
    private static final double TOLERANCE = 1e-10;

    private SkipTransfer() {}

    /** Layer → its basis, E × d (column j = j-th direction, unit length). */
    public static Map<Integer, double[][]> bases(
            CausalLm model, Collection<Integer> layers, List<Batch> batches, long seed) {
        UnetSkips skips =
                model.unet()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "growth init skip_transfer needs a model with U-Net skips"
                                                        + " (--unet); use function_preserving or copy"));
        int L = model.config().numLayers();
        int E = model.config().width();
        int d = model.config().headDim();
        Map<Integer, double[]> sums = new HashMap<>(); // reader -> Σ z
        Map<Integer, double[]> products = new HashMap<>(); // reader -> Σ z zᵀ (E × E, row-major)
        TreeSet<Integer> readers = new TreeSet<>();
        layers.forEach(l -> readers.add(Math.max(l, L - 1 - l)));
        readers.forEach(
                r -> {
                    sums.put(r, new double[E]);
                    products.put(r, new double[E * E]);
                });
        long[] count = {0};
        for (Batch batch : batches) {
            try (NDScope scope = new NDScope()) {
                NDArray tokens =
                        EngineArrays.of(
                                model.manager(),
                                batch.inputs(),
                                new Shape(batch.batchSize(), batch.length()));
                skips.capture(
                        (reader, fused) -> {
                            if (!readers.contains(reader)) {
                                return;
                            }
                            NDArray z = fused.reshape(-1, E).toType(DataType.FLOAT64, false);
                            add(sums.get(reader), z.sum(new int[] {0}).toDoubleArray());
                            add(products.get(reader), z.transpose().matMul(z).toDoubleArray());
                        },
                        () -> model.forward(tokens, AttentionProbe.NONE));
                count[0] += (long) batch.batchSize() * batch.length();
            }
        }
        Map<Integer, double[][]> bases = new HashMap<>();
        for (int layer : layers) {
            int r = Math.max(layer, L - 1 - layer);
            double[] covariance = covariance(sums.get(r), products.get(r), count[0], E);
            bases.put(layer, leadingDirections(covariance, E, d, seed + layer));
        }
        return bases;
    }

    private static void add(double[] into, double[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }

    private static double[] covariance(double[] sum, double[] product, long n, int E) {
        double[] c = new double[E * E];
        for (int i = 0; i < E; i++) {
            for (int j = 0; j < E; j++) {
                c[i * E + j] = product[i * E + j] / n - (sum[i] / n) * (sum[j] / n);
            }
        }
        return c;
    }

    /** The d leading eigenvectors of the symmetric E × E matrix {@code a}, as E × d columns. */
    static double[][] leadingDirections(double[] a, int E, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] q = new double[E][d];
        for (int i = 0; i < E; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = random.nextGaussian();
            }
        }
        orthonormalize(q);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[][] next = new double[E][d];
            for (int i = 0; i < E; i++) {
                for (int k = 0; k < E; k++) {
                    double aik = a[i * E + k];
                    if (aik != 0) {
                        for (int j = 0; j < d; j++) {
                            next[i][j] += aik * q[k][j];
                        }
                    }
                }
            }
            orthonormalize(next);
            double moved = 0; // 1 − |cos| per column: 0 once the subspace is fixed
            for (int j = 0; j < d; j++) {
                double dot = 0;
                for (int i = 0; i < E; i++) {
                    dot += next[i][j] * q[i][j];
                }
                moved = Math.max(moved, 1 - Math.abs(dot));
            }
            q = next;
            if (moved < TOLERANCE) {
                break;
            }
        }
        return q;
    }

    /** Modified Gram–Schmidt on the columns. */
    private static void orthonormalize(double[][] q) {
        int E = q.length;
        int d = q[0].length;
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < E; i++) {
                    dot += q[i][j] * q[i][k];
                }
                for (int i = 0; i < E; i++) {
                    q[i][j] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < E; i++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < E; i++) {
                q[i][j] = norm > 0 ? q[i][j] / norm : 0;
            }
        }
    }
}
