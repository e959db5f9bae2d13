package ai.sentinel.data;

/** Told after each batch of a loop over data that is not training: evaluation, head measurement. */
@FunctionalInterface
public interface BatchProgress {
    BatchProgress NONE = (done, total) -> {};

    /** {@code done} of {@code total} batches are finished. */
    void batchDone(int done, int total);
}
