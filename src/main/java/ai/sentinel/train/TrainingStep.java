package ai.sentinel.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.sentinel.data.Batch;
import ai.sentinel.eval.BatchArrays;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.nn.LogitsWorkspace;
import ai.sentinel.nn.Losses;
import ai.sentinel.nn.Parameter;
import java.util.List;

/**
 * One optimizer step: mean next-token cross-entropy → backward → global-norm clip → AdamW, in its
 * own scope. A non-finite loss or gradient norm throws before the update, leaving the model as it
 * was. Closing it frees the logits workspace kept between steps.
 */
public final class TrainingStep implements AutoCloseable {
    /**
     * What a step measured: the loss before the update, the gradient norm before clipping, and the
     * raw {@code ∂L/∂g} of every head gate (row-major layers × heads, before clipping).
     */
    public record Outcome(float loss, double gradNorm, float[] gateGradient) {}

    private final CausalLm model;
    private final AdamW optimizer;
    private final float gradClip;
    private final LogitsWorkspace workspace = new LogitsWorkspace();

    public TrainingStep(CausalLm model, AdamW optimizer, float gradClip) {
        this.model = model;
        this.optimizer = optimizer;
        this.gradClip = gradClip;
    }

    public Outcome apply(Batch batch, float lr, long stepIndex) {
        List<Parameter> trained = optimizer.parameters();
        try (NDScope scope = new NDScope()) {
            trained.forEach(Parameter::zeroGradient);
            model.gates()
                    .gate()
                    .zeroGradient(); // a leaf: its gradient accumulates even when it is not trained
            NDArray inputs = BatchArrays.inputs(model.manager(), batch);
            NDArray targets = BatchArrays.targets(model.manager(), batch);
            float loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray mean = meanLoss(model, inputs, targets, workspace);
                collector.backward(mean);
                loss = mean.getFloat();
            }
            // copied before clipping, which scales it when the gates are trained
            float[] gateGradient =
                    model.gates()
                            .gate()
                            .gradient()
                            .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                            .toFloatArray();
            double gradNorm = GradClip.clipGlobalNorm(trained, gradClip);
            if (!Float.isFinite(loss) || !Double.isFinite(gradNorm)) {
                throw new TrainingDivergedException(
                        "training diverged at step "
                                + (stepIndex + 1)
                                + " (loss "
                                + loss
                                + ", gradient norm "
                                + gradNorm
                                + "); the model was not updated");
            }
            optimizer.step(lr);
            return new Outcome(loss, gradNorm, gateGradient);
        }
    }

    /**
     * The loss a step backpropagates: mean next-token cross-entropy of {@code inputs} against
     * {@code targets}, through the fused unembedding (see {@link Losses#crossEntropyMean}: call it
     * inside a gradient collector after zeroing gradients, and backpropagate it once).
     */
    public static NDArray meanLoss(
            CausalLm model, NDArray inputs, NDArray targets, LogitsWorkspace workspace) {
        return Losses.crossEntropyMean(
                model.hidden(inputs, null, AttentionProbe.NONE),
                model.unembedding(),
                targets,
                workspace);
    }

    @Override
    public void close() {
        workspace.close();
    }
}
