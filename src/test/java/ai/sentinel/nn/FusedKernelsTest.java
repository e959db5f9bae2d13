package ai.sentinel.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The libtorch kernels reached through scripted ops compute what the formulas say. */
class FusedKernelsTest {
    @Test
    void fusedTanhGeluEqualsTheFormulaAndItsGradientTheDerivative() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 3, new Shape(4, 257), DataType.FLOAT64);
            x.setRequiresGradient(true);
            NDArray fused;
            NDArray composed;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                fused = Activations.geluTanh(x);
                composed = Activations.geluTanhComposed(x);
                c.backward(fused.sum());
            }
            // libtorch's kernel holds its constants in single precision: ~1e-9 apart in doubles
            assertEquals(0, fused.sub(composed).abs().max().getDouble(), 1e-8);
            double[] xs = x.toDoubleArray();
            double[] grad = x.getGradient().toDoubleArray();
            double h = 1e-6;
            for (int i = 0; i < xs.length; i += 7) {
                double numeric = (gelu(xs[i] + h) - gelu(xs[i] - h)) / (2 * h);
                assertEquals(numeric, grad[i], 1e-6, "d gelu/dx at x = " + xs[i]);
            }
        }
    }

    @Test
    void fusedSiluEqualsTheFormulaAndItsGradientTheComposedOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 3, new Shape(3, 101), DataType.FLOAT64);
            x.setRequiresGradient(true);
            NDArray fused;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                fused = Activations.silu(x);
                c.backward(fused.sum());
            }
            double[] fusedGradient = x.getGradient().toDoubleArray();
            x.getGradient().subi(x.getGradient());
            NDArray composed;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                composed = Activations.siluComposed(x);
                c.backward(composed.sum());
            }
            assertEquals(0, fused.sub(composed).abs().max().getDouble(), 1e-12);
            assertArrayEquals(x.getGradient().toDoubleArray(), fusedGradient, 1e-12);
        }
    }

    @Test
    void fusedGeluRecordsNoGraphOutsideACollector() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(3, 5));
            x.setRequiresGradient(true);
            // JniUtils.requiresGrad answers false even for recorded results, and reading the graph
            // node of an unrecorded result crashes the JVM: a backward pass tells
            NDArray y = Activations.geluTanh(x);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                assertEquals("GeluBackward0", gradientFunction(Activations.geluTanh(x)));
                assertThrows(
                        EngineException.class,
                        () -> c.backward(y.sum()),
                        "a result computed outside the collector must have no graph");
            }
        }
    }

    @Test
    void fusedCrossEntropyEqualsTheComposedLossAndGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 2 * 6;
            int c = 8;
            int v = 37;
            NDArray h = m.randomNormal(0, 1, new Shape(2, 6, c), DataType.FLOAT64);
            h.setRequiresGradient(true);
            Parameter w =
                    new Parameter(
                            "lm_head.weight", // dotted, as every model parameter's name
                            m.randomNormal(0, 1, new Shape(v, c), DataType.FLOAT64),
                            true);
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = (i * 7L) % v;
            }
            ids[3] = ids[4]; // a repeated target
            NDArray targets = EngineArrays.of(m, ids, new Shape(2, 6));

            // twice: first while W has no gradient buffer yet, then accumulating into it in place
            double[] fused = new double[2];
            double[][] fusedH = new double[2][];
            double[][] fusedW = new double[2][];
            try (LogitsWorkspace workspace = new LogitsWorkspace()) {
                for (int round = 0; round < 2; round++) {
                    try (GradientCollector col = Engine.getInstance().newGradientCollector()) {
                        if (round > 0) {
                            h.getGradient().subi(h.getGradient());
                            w.zeroGradient();
                        }
                        NDArray loss = Losses.crossEntropyMean(h, w, targets, workspace);
                        col.backward(loss);
                        fused[round] = loss.getDouble();
                    }
                    fusedH[round] = h.getGradient().toDoubleArray();
                    fusedW[round] = w.gradient().toDoubleArray();
                }
            }

            double composed;
            try (GradientCollector col = Engine.getInstance().newGradientCollector()) {
                h.getGradient().subi(h.getGradient());
                w.zeroGradient();
                NDArray logits = h.matMul(w.value().transpose());
                NDArray loss =
                        Scalars.dividedBy(Losses.crossEntropySum(logits, targets), (double) n);
                col.backward(loss);
                composed = loss.getDouble();
            }
            for (int round = 0; round < 2; round++) {
                assertEquals(composed, fused[round], 1e-12);
                assertArrayEquals(h.getGradient().toDoubleArray(), fusedH[round], 1e-12);
                assertArrayEquals(w.gradient().toDoubleArray(), fusedW[round], 1e-12);
            }

            // the two rows as shares of the same mean, each backpropagated once (gradient
            // accumulation), leave the whole batch's gradients
            double[] hWhole = h.getGradient().toDoubleArray();
            double[] wWhole = w.gradient().toDoubleArray();
            double shares = 0;
            h.getGradient().subi(h.getGradient());
            w.zeroGradient();
            try (LogitsWorkspace workspace = new LogitsWorkspace()) {
                for (int row = 0; row < 2; row++) {
                    try (GradientCollector col = Engine.getInstance().newGradientCollector()) {
                        NDArray part = h.get(row + ":" + (row + 1));
                        NDArray share =
                                Losses.crossEntropyShare(
                                        part, w, targets.get(row + ":" + (row + 1)), n, workspace);
                        col.backward(share);
                        shares += share.getDouble();
                    }
                }
            }
            assertEquals(composed, shares, 1e-12);
            assertArrayEquals(hWhole, h.getGradient().toDoubleArray(), 1e-12);
            assertArrayEquals(wWhole, w.gradient().toDoubleArray(), 1e-12);
        }
    }

    private static String gradientFunction(NDArray y) {
        return JniUtils.getGradientFunctionNames((PtNDArray) y).trim();
    }

    /** GPT-2's tanh GELU in double precision, as the paper writes it. */
    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }
}
