package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;

/**
 * The scope of one transformer block in a forward pass: the block's intermediate arrays are freed
 * when it closes, and only what the caller keeps (the block's output, and what a probe or a later
 * block reads) moves on to the enclosing scope.
 *
 * <p>Why: DJL frees arrays only when their scope closes, so without this a forward pass held every
 * intermediate of every block until the caller's scope ended — 1.6 GB for four 128-token rows of
 * the SmolLM2-135M shape (three times its weights), at every evaluation and measurement. Freeing a
 * handle does not free what autograd saved for the backward pass: the graph holds its own
 * references, so training is unaffected.
 */
public final class BlockScope implements AutoCloseable {
    private final NDScope scope = new NDScope();
    private final List<NDArray> kept = new ArrayList<>();
    private final AttentionProbe probe;

    /** Opens the scope; {@link #probe()} passes {@code probe} arrays it may keep. */
    public BlockScope(AttentionProbe probe) {
        this.probe =
                probe == AttentionProbe.NONE
                        ? AttentionProbe.NONE
                        : (layer, probs) -> probe.onAttention(layer, keep(probs));
    }

    /** The caller's probe, whose arrays outlive the block (a probe may keep them). */
    public AttentionProbe probe() {
        return probe;
    }

    /** Moves {@code array} out of the block's scope into the enclosing one; returns it. */
    public NDArray keep(NDArray array) {
        NDScope.unregister(array);
        kept.add(array);
        return array;
    }

    @Override
    public void close() {
        scope.close();
        kept.forEach(NDScope::register); // into the enclosing scope, now the innermost
    }
}
