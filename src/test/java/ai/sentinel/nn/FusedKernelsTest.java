package ai.sentinel.nn;

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

    private static String gradientFunction(NDArray y) {
        return JniUtils.getGradientFunctionNames((PtNDArray) y).trim();
    }

    /** GPT-2's tanh GELU in double precision, as the paper writes it. */
    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }
}
