package ai.sentinel.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.sentinel.model.CausalLm;
import ai.sentinel.nn.LogitsWorkspace;
import ai.sentinel.nn.Losses;
import ai.sentinel.nn.Parameter;
import ai.sentinel.train.TrainingStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Training's fused loss ({@link TrainingStep#meanLoss}: {@link CausalLm#hidden} + {@link
 * Losses#crossEntropyMean} with a workspace kept between steps, which writes the unembedding's
 * gradient during the forward pass) against the plain one ({@link CausalLm#forward} + {@link
 * Losses#crossEntropySum} / N through autograd): the loss and the gradient of every parameter and
 * of the head gates, over consecutive steps with the weights moved in between.
 */
public final class FusedLossCheck {
    private FusedLossCheck() {}

    /**
     * @param model a FLOAT64 model
     * @param tokens (B, T + 1) token ids: inputs are the first T, targets the last T
     */
    public static void assertFusedLossGivesThePlainGradients(
            CausalLm model, NDArray tokens, int steps, String what) {
        assertEquals(DataType.FLOAT64, model.unembedding().value().getDataType(), what);
        NDArray inputs = tokens.get(new NDIndex(":, :-1"));
        NDArray targets = tokens.get(new NDIndex(":, 1:"));
        List<Parameter> parameters = new ArrayList<>(model.parameters());
        parameters.add(model.gates().gate()); // not a trained parameter, but its ∂L/∂g is reported
        try (LogitsWorkspace workspace = new LogitsWorkspace()) {
            for (int step = 0; step < steps; step++) {
                check(model, inputs, targets, parameters, workspace, what + " at step " + step);
            }
        }
    }

    private static void check(
            CausalLm model,
            NDArray inputs,
            NDArray targets,
            List<Parameter> parameters,
            LogitsWorkspace workspace,
            String what) {
        try (NDScope scope = new NDScope()) {
            double fusedLoss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                parameters.forEach(Parameter::zeroGradient);
                NDArray loss = TrainingStep.meanLoss(model, inputs, targets, workspace);
                collector.backward(loss);
                fusedLoss = loss.getDouble();
            }
            List<double[]> fused = gradients(parameters);

            double plainLoss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                parameters.forEach(Parameter::zeroGradient);
                NDArray loss = PlainLoss.mean(model, inputs, targets);
                collector.backward(loss);
                plainLoss = loss.getDouble();
            }
            List<double[]> plain = gradients(parameters);

            assertEquals(plainLoss, fusedLoss, 1e-12, what + ": loss");
            for (int i = 0; i < parameters.size(); i++) {
                String name = "∂L/∂" + parameters.get(i).name() + ", " + what;
                assertTrue(maxAbs(plain.get(i)) > 0, name + " is zero: proves nothing");
                assertArrayEquals(plain.get(i), fused.get(i), 1e-11, name);
            }
            // a plain gradient step, so the next step sees other weights and a kept buffer
            for (Parameter p : model.parameters()) {
                p.value().subi(p.gradient().mul(0.1));
            }
        }
    }

    private static List<double[]> gradients(List<Parameter> parameters) {
        List<double[]> out = new ArrayList<>();
        for (Parameter p : parameters) {
            out.add(p.gradient().toDoubleArray());
        }
        return out;
    }

    private static double maxAbs(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
