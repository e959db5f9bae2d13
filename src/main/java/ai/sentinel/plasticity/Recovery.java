package ai.sentinel.plasticity;

import ai.sentinel.eval.Statistics;
import java.util.OptionalDouble;

/**
 * How much of the perplexity that pruning cost the cycle won back: {@code (ppl_pruned − ppl_final)
 * / (ppl_pruned − ppl_baseline)} — or, when that ratio means nothing, why.
 *
 * <p>The ratio divides by the pruning damage, so it is only reported when the damage is real: the
 * mean per-sequence loss change from baseline to pruned must exceed {@value #NOISE_STANDARD_ERRORS}
 * standard errors of that mean. Both evaluations see the same validation sequences in the same
 * order, so the change is measured pair by pair and its standard error is that of the paired
 * differences (much smaller than either evaluation's own). Below that bar, a ratio divides by noise
 * (a 0.02 perplexity drop gave a "recovery" of 6.30), and a pruning that lowered perplexity has
 * nothing to recover (it gave −16.02).
 */
public sealed interface Recovery permits Recovery.Ratio, Recovery.NotMeaningful {
    /**
     * About a one-sided 98% bound for a normal mean; enough to call a change real rather than
     * sampling noise.
     */
    double NOISE_STANDARD_ERRORS = 2;

    PruningDamage damage();

    /** The ratio when it means something. */
    OptionalDouble ratio();

    /** One line for consoles and reports. */
    String describe();

    /**
     * The loss change pruning caused, in nats, with the standard error of the paired per-sequence
     * differences, and the perplexity change it amounts to.
     */
    record PruningDamage(double lossChange, double standardError, double perplexityChange) {
        String text() {
            return String.format(
                    "pruning changed the loss by %+.4f ± %.4f nats, perplexity by %+.3f",
                    lossChange, standardError, perplexityChange);
        }
    }

    /**
     * Pruning did measurable damage; {@code value} is the share of it won back (1 = back to the
     * baseline), and {@code standardError} its standard error over validation sequences (ratio
     * estimator on the paired losses).
     */
    record Ratio(double value, double standardError, PruningDamage damage) implements Recovery {
        @Override
        public OptionalDouble ratio() {
            return OptionalDouble.of(value);
        }

        @Override
        public String describe() {
            return String.format(
                    "perplexity recovery %.2f ± %.2f (%s)", value, standardError, damage.text());
        }
    }

    /** No ratio: {@code reason} says why. */
    record NotMeaningful(String reason, PruningDamage damage) implements Recovery {
        @Override
        public OptionalDouble ratio() {
            return OptionalDouble.empty();
        }

        @Override
        public String describe() {
            return "perplexity recovery not computed: " + reason;
        }
    }

    static Recovery of(StageResult baseline, StageResult pruned, StageResult last) {
        double[] differences =
                Statistics.differences(pruned.sequenceLossArray(), baseline.sequenceLossArray());
        PruningDamage damage =
                new PruningDamage(
                        Statistics.mean(differences),
                        Statistics.standardError(differences),
                        pruned.perplexity() - baseline.perplexity());
        if (Double.isNaN(damage.standardError())) {
            return new NotMeaningful(
                    "the run recorded fewer than 2 per-sequence validation losses, so the"
                            + " evaluation's noise is unknown",
                    damage);
        }
        double bar = NOISE_STANDARD_ERRORS * damage.standardError();
        if (damage.lossChange() < -bar) {
            return new NotMeaningful(
                    damage.text() + "; pruning improved the model, so there is nothing to recover",
                    damage);
        }
        if (damage.lossChange() <= bar) {
            return new NotMeaningful(
                    damage.text()
                            + ", within "
                            + (int) NOISE_STANDARD_ERRORS
                            + " standard errors:"
                            + " the damage is the evaluation's noise",
                    damage);
        }
        return new Ratio(
                (pruned.perplexity() - last.perplexity())
                        / (pruned.perplexity() - baseline.perplexity()),
                ratioStandardError(
                        Statistics.differences(
                                pruned.sequenceLossArray(), last.sequenceLossArray()),
                        differences),
                damage);
    }

    /**
     * Standard error of {@code mean(won) / mean(lost)} over paired sequences, by the ratio
     * estimator's linearisation {@code sqrt(Σ (won_i − R·lost_i)² / (n(n − 1))) / |mean(lost)|}. It
     * is computed on losses; the reported ratio is on perplexities, which agree to first order for
     * changes this small.
     */
    private static double ratioStandardError(double[] won, double[] lost) {
        double meanLost = Statistics.mean(lost);
        double r = Statistics.mean(won) / meanLost;
        double squares = 0;
        for (int i = 0; i < won.length; i++) {
            squares += (won[i] - r * lost[i]) * (won[i] - r * lost[i]);
        }
        int n = won.length;
        return Math.sqrt(squares / ((double) n * (n - 1))) / Math.abs(meanLost);
    }
}
