package ai.sentinel.train;

/** The loss or gradient norm stopped being finite; the model was not updated with the bad step. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
