package ai.sentinel.plasticity;

import ai.sentinel.eval.Statistics;
import java.util.List;

/**
 * The model evaluated at one stage of a cycle.
 *
 * @param sequenceLosses mean loss of each validation sequence, in the evaluator's fixed order, so
 *     that two stages can be compared sequence by sequence
 */
public record StageResult(
        Stage stage,
        int cycle,
        long step,
        double loss,
        List<Double> sequenceLosses,
        int activeHeads,
        long parameters,
        List<String> samples)
        implements RunEvent {
    public StageResult {
        sequenceLosses = List.copyOf(sequenceLosses);
        samples = List.copyOf(samples);
    }

    public double perplexity() {
        return Math.exp(loss);
    }

    /** Standard error of {@link #loss()} over the validation sequences; NaN below two sequences. */
    public double lossStandardError() {
        return Statistics.standardError(sequenceLossArray());
    }

    double[] sequenceLossArray() {
        return sequenceLosses.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
