package ai.sentinel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.Batch;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import org.junit.jupiter.api.Test;

/**
 * A batch trained a few rows at a time, the gradients accumulated, makes the whole batch's update:
 * the same loss and gradients, up to float32 rounding of sums taken in another order.
 */
class MicroBatchTest {
    private static final int ROWS = 4;
    private static final int T = 16;

    private static Batch batch() {
        long[] inputs = new long[ROWS * T];
        long[] targets = new long[ROWS * T];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = (i * 31L + 7) % 256;
            targets[i] = (i * 17L + 3) % 256;
        }
        return new Batch(inputs, targets, ROWS, T);
    }

    /** One step with {@code microBatch} rows a pass from the same start: what it measured. */
    private static TrainingStep.Outcome step(int microBatch) {
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(256, 2, 4, T, manager, 5);
                AdamW optimizer =
                        new AdamW(model.trainableParameters(), AdamWConfig.defaults(), manager);
                TrainingStep step = new TrainingStep(model, optimizer, 1f, microBatch)) {
            return step.apply(batch(), 1e-3f, 0);
        }
    }

    @Test
    void rowsAtATimeMakeTheWholeBatchsGradients() {
        TrainingStep.Outcome whole = step(0);
        assertEquals(whole.loss(), step(ROWS).loss(), 0f, "all rows at once is the whole batch");
        for (int micro : new int[] {1, 3}) {
            TrainingStep.Outcome parts = step(micro);
            // a loss near ln 256 = 5.5 summed in 2-4 parts: float32 rounding of a few additions
            assertEquals(whole.loss(), parts.loss(), 1e-5, "loss, " + micro + " rows a pass");
            // the global norm covers every trained weight (a part counted twice, or the
            // unembedding's in-place gradient left unscaled, would move it by far more)
            assertEquals(
                    whole.gradNorm(),
                    parts.gradNorm(),
                    1e-5 * whole.gradNorm(),
                    "gradient norm, " + micro + " rows a pass");
            float[] a = whole.gateGradient();
            float[] b = parts.gateGradient();
            double scale = 0;
            for (float g : a) {
                scale = Math.max(scale, Math.abs(g));
            }
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5 * scale, "dL/dgate " + i + ", " + micro + " rows");
            }
        }
    }

    @Test
    void aNegativeMicroBatchIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new TrainConfig(
                                1, 4, null, AdamWConfig.defaults(), 1f, 0, 1, 0, 1, false, -1));
    }
}
