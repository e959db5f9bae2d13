package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** Loss functions. */
@SuppressWarnings("LocalVariableName") // V: vocabulary size, as in the paper
public final class Losses {
    private Losses() {}

    /**
     * Summed negative log-likelihood of {@code targets} under {@code logits}: {@code Σ_n −log
     * softmax(z_n)[y_n]}. Summing (not averaging) lets callers weight by tokens across batches of
     * any size.
     *
     * @param logits (..., V), e.g. (B, T, V)
     * @param targets (...) int64, e.g. (B, T)
     * @return a scalar
     */
    public static NDArray crossEntropySum(NDArray logits, NDArray targets) {
        long V = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray logProbs = logits.reshape(-1, V).logSoftmax(-1); // (N, V)
        NDArray picked = logProbs.gather(targets.reshape(-1, 1), 1); // (N, 1)
        return picked.sum().neg();
    }

    /**
     * Each position's negative log-likelihood {@code −log softmax(h_n·Wᵀ)[y_n]}, computed a few
     * hundred positions at a time so that the logits of the whole batch never exist at once: an
     * evaluation needs only the losses, and B×T×V logits (and their log-softmax) were most of its
     * memory (2 × 103 MB for four 128-token rows of a 50,257-symbol vocabulary). No gradient is
     * recorded; call it outside a gradient collector.
     *
     * @param hidden (B, T, C) final hidden states
     * @param unembedding the (V, C) weight W
     * @param targets (B, T) int64
     * @return B×T losses, row-major
     */
    public static float[] nllPerPosition(NDArray hidden, NDArray unembedding, NDArray targets) {
        long C = hidden.getShape().get(hidden.getShape().dimension() - 1);
        long V = unembedding.getShape().get(0);
        int n = Math.toIntExact(targets.size());
        int chunk = (int) Math.max(1, Math.min(n, LOGIT_ELEMENTS_PER_CHUNK / V));
        NDArray h = hidden.reshape(-1, C);
        NDArray y = targets.reshape(-1, 1);
        float[] losses = new float[n];
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            try (NDScope scope = new NDScope()) {
                NDIndex rows = new NDIndex(start + ":" + end);
                NDArray logProbs = Unembedding.logits(h.get(rows), unembedding).logSoftmax(-1);
                float[] picked =
                        logProbs.gather(y.get(rows), 1)
                                .neg()
                                .toType(DataType.FLOAT32, false)
                                .toFloatArray();
                System.arraycopy(picked, 0, losses, start, picked.length);
            }
        }
        return losses;
    }

    /** Logit elements per chunk in {@link #nllPerPosition}: 32 MB in F32. */
    private static final long LOGIT_ELEMENTS_PER_CHUNK = 8L << 20;

    /**
     * Mean next-token cross-entropy of the logits {@code z = h·Wᵀ}, {@code (1/N)·Σ_n
     * (logsumexp(z_n) − z_n[y_n])}, with its gradients computed in the forward pass from {@code
     * ∂L/∂z = (softmax(z) − onehot(y))/N}: {@code ∂L/∂h = (∂L/∂z)·W} reaches autograd through the
     * returned value, and {@code ∂L/∂W = (∂L/∂z)ᵀ·h} is added in place to W's gradient buffer
     * (through autograd while W has none yet). So call it where gradients were zeroed and exactly
     * one backward pass follows, from this value or a sum that contains it with weight 1: W's part
     * is in its buffer already, so a scaled loss (as in gradient accumulation) would not scale it
     * and a second backward pass would not add it again.
     *
     * <p>Why: the composed form (log-softmax, gather, their backward) makes five passes over N×V
     * arrays and allocates four of them (a third of a nano-shape step, ~8% of DistilGPT-2's, see
     * bench/RESULTS.md); this one writes the logits into a workspace kept between steps and turns
     * them into the gradient in place, and the tied embedding's two gradients no longer meet in a
     * fresh V×C sum.
     *
     * @param hidden (..., C), recorded by autograd
     * @param unembedding the (V, C) weight W
     * @param targets (...) int64
     * @return a scalar: the mean loss, whose gradient with respect to {@code hidden} is exact
     */
    public static NDArray crossEntropyMean(
            NDArray hidden, Parameter unembedding, NDArray targets, LogitsWorkspace workspace) {
        return crossEntropyShare(hidden, unembedding, targets, targets.size(), workspace);
    }

    /**
     * This part's share of a mean taken over {@code positions} positions in all, {@code
     * (1/positions) · Σ_n (logsumexp(z_n) − z_n[y_n])} over the part's own positions, with the
     * gradients computed as in {@link #crossEntropyMean} (which is the share of a part that is the
     * whole). A batch cut into parts, each backpropagated once, leaves the gradients of the whole
     * batch's mean loss while only one part's activations exist at a time (gradient accumulation).
     *
     * @param positions the positions of the whole batch, at least {@code targets.size()}
     */
    public static NDArray crossEntropyShare(
            NDArray hidden,
            Parameter unembedding,
            NDArray targets,
            long positions,
            LogitsWorkspace workspace) {
        if (positions < targets.size()) {
            throw new IllegalArgumentException(
                    "a share of " + targets.size() + " positions in " + positions + " in all");
        }
        NDArray w = unembedding.value();
        NDArray logits = workspace.logits(targets.size(), w);
        NDArray all = hidden.getManager().create((double) positions);
        return Fused.UNEMBEDDED_CROSS_ENTROPY
                .apply(hidden, w, targets, logits, all)
                .singletonOrThrow();
    }

    private static final class Fused {
        static final ScriptedOp UNEMBEDDED_CROSS_ENTROPY =
                ScriptedOp.compile(
                        "UnembeddedCrossEntropy",
                        "h: Tensor, w: Tensor, targets: Tensor, buffer: Tensor, positions: Tensor",
                        "Tensor",
                        String.join(
                                "\n",
                                "    hf = h.reshape(-1, h.size(-1))",
                                "    y = targets.reshape(-1, 1)",
                                "    n = float(positions.item())", // the whole batch's
                                // detached operands record nothing (the loader knows no
                                // torch.no_grad); every N×V pass below works in place
                                "    hd = hf.detach()",
                                "    wd = w.detach()",
                                "    z = buffer.narrow(0, 0, y.size(0))",
                                "    torch.mm(hd, wd.t(), out=z)",
                                "    picked = z.gather(1, y).sum()",
                                "    top = z.amax(1, keepdim=True)",
                                "    z.sub_(top).exp_()",
                                "    total = z.sum(1, keepdim=True)",
                                "    loss = ((top + total.log()).sum() - picked) / n",
                                "    z.mul_(1.0 / (total * n))", // softmax / N
                                "    z.scatter_add_(1, y, z.new_full([y.size(0), 1], -1.0 / n))",
                                "    dh = torch.mm(z, wd)",
                                "    s = torch.dot(hf.reshape(-1), dh.reshape(-1))",
                                // W's gradient buffer exists after its first backward pass;
                                // before it (undefined: no elements) ∂L/∂W goes through autograd
                                "    g = w.grad",
                                "    if w.requires_grad:",
                                "      if g is not None and g.numel() == w.numel():",
                                "        g.addmm_(z.t(), hd)",
                                "      else:",
                                "        dw = torch.mm(z.t(), hd)",
                                "        s = s + torch.dot(w.reshape(-1), dw.reshape(-1))",
                                "    return loss + (s - s.detach())"));
    }
}
