package ai.sentinel.model;

/**
 * A family's standard config cannot hold the model's heads because layers (or the key/value groups
 * within one) keep different numbers of them; the message lists each layer's counts. Callers may
 * offer to prune further to a uniform shape.
 */
public final class NonUniformHeadsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public NonUniformHeadsException(String message) {
        super(message);
    }
}
