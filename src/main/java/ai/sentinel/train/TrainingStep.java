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
    private final int microBatch;
    private final LogitsWorkspace workspace = new LogitsWorkspace();

    public TrainingStep(CausalLm model, AdamW optimizer, float gradClip) {
        this(model, optimizer, gradClip, 0);
    }

    /**
     * @param microBatch rows per forward and backward pass, their gradients accumulated over the
     *     batch (0: the whole batch at once). The update is the whole batch's, up to the order of
     *     float additions, while only {@code microBatch} rows' activations exist at a time: the
     *     memory of a large model's training step is mostly activations beside its weights, grads
     *     and moments.
     */
    public TrainingStep(CausalLm model, AdamW optimizer, float gradClip, int microBatch) {
        if (microBatch < 0) {
            throw new IllegalArgumentException("micro-batch must be >= 0, got " + microBatch);
        }
        this.model = model;
        this.optimizer = optimizer;
        this.gradClip = gradClip;
        this.microBatch = microBatch;
    }

    public Outcome apply(Batch batch, float lr, long stepIndex) {
        List<Parameter> trained = optimizer.parameters();
        try (NDScope scope = new NDScope()) {
            trained.forEach(Parameter::zeroGradient);
            model.gates()
                    .gate()
                    .zeroGradient(); // a leaf: its gradient accumulates even when it is not trained
            int rows = batch.batchSize();
            int part = microBatch == 0 ? rows : Math.min(microBatch, rows);
            long positions = (long) rows * batch.length();
            float loss = 0;
            for (int from = 0; from < rows; from += part) {
                Batch rowsNow =
                        part == rows ? batch : batch.rows(from, Math.min(rows, from + part));
                try (NDScope partScope = new NDScope();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray inputs = BatchArrays.inputs(model.manager(), rowsNow);
                    NDArray targets = BatchArrays.targets(model.manager(), rowsNow);
                    NDArray share = shareOfLoss(model, inputs, targets, positions, workspace);
                    collector.backward(share);
                    loss += share.getFloat();
                }
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
        return shareOfLoss(model, inputs, targets, targets.size(), workspace);
    }

    /**
     * These rows' share of the mean loss over {@code positions} positions in all (see {@link
     * Losses#crossEntropyShare}); the whole mean when the rows are the whole batch.
     */
    static NDArray shareOfLoss(
            CausalLm model,
            NDArray inputs,
            NDArray targets,
            long positions,
            LogitsWorkspace workspace) {
        return Losses.crossEntropyShare(
                model.hidden(inputs, null, AttentionProbe.NONE),
                model.unembedding(),
                targets,
                positions,
                workspace);
    }

    @Override
    public void close() {
        workspace.close();
    }
}
