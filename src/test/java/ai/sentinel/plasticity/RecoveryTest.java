package ai.sentinel.plasticity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecoveryTest {
    /**
     * 64 sequences with losses spread ±0.5 nats around {@code mean}, the same spread at every
     * stage.
     */
    private static StageResult stage(Stage stage, double shift, double noise, long seed) {
        SplittableRandom sequences = new SplittableRandom(7);
        SplittableRandom jitter = new SplittableRandom(seed);
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            losses.add(
                    2.5
                            + sequences.nextDouble(-0.5, 0.5)
                            + shift
                            + (noise == 0 ? 0 : jitter.nextDouble(-noise, noise)));
        }
        double mean = losses.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return new StageResult(stage, 1, 0, mean, losses, 12, 1000, List.of());
    }

    private static Recovery recovery(double pruningShift, double finalShift) {
        return Recovery.of(
                stage(Stage.BASELINE, 0, 0.01, 1),
                stage(Stage.PRUNED, pruningShift, 0.01, 2),
                stage(Stage.FINAL, finalShift, 0.01, 3));
    }

    @Test
    void realDamageGivesTheRatio() {
        Recovery r = recovery(0.2, 0.05);
        assertInstanceOf(Recovery.Ratio.class, r, r.describe());
        StageResult base = stage(Stage.BASELINE, 0, 0.01, 1);
        StageResult pruned = stage(Stage.PRUNED, 0.2, 0.01, 2);
        StageResult last = stage(Stage.FINAL, 0.05, 0.01, 3);
        assertEquals(
                (pruned.perplexity() - last.perplexity())
                        / (pruned.perplexity() - base.perplexity()),
                r.ratio().getAsDouble(),
                1e-12);
    }

    @Test
    void theRatioCarriesItsStandardErrorOverSequences() {
        Recovery.Ratio noisy = (Recovery.Ratio) recovery(0.2, 0.05);
        assertTrue(noisy.standardError() > 0 && noisy.standardError() < 0.2, noisy.describe());
        // every sequence wins back exactly half of what it lost: no spread, no error
        StageResult base = stage(Stage.BASELINE, 0, 0, 1);
        List<Double> pruned = new ArrayList<>();
        List<Double> last = new ArrayList<>();
        for (int i = 0; i < base.sequenceLosses().size(); i++) {
            double lost = 0.1 + 0.002 * i;
            pruned.add(base.sequenceLosses().get(i) + lost);
            last.add(base.sequenceLosses().get(i) + lost / 2);
        }
        Recovery.Ratio exact =
                (Recovery.Ratio)
                        Recovery.of(
                                base,
                                withLosses(Stage.PRUNED, pruned),
                                withLosses(Stage.FINAL, last));
        assertEquals(0, exact.standardError(), 1e-9);
    }

    private static StageResult withLosses(Stage stage, List<Double> losses) {
        return new StageResult(
                stage,
                1,
                0,
                losses.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                losses,
                12,
                1000,
                List.of());
    }

    @Test
    void damageWithinTheNoiseGivesNoRatioEvenThoughTheMeansDiffer() {
        Recovery r = recovery(0.001, -0.05);
        assertInstanceOf(Recovery.NotMeaningful.class, r);
        assertTrue(r.ratio().isEmpty());
        assertTrue(r.describe().contains("noise"), r.describe());
        assertTrue(r.damage().lossChange() != 0, "the means differ; the difference is noise");
    }

    @Test
    void pruningThatImprovedPerplexityHasNothingToRecover() {
        Recovery r = recovery(-0.1, -0.2);
        assertInstanceOf(Recovery.NotMeaningful.class, r);
        assertTrue(r.describe().contains("improved"), r.describe());
    }

    @Test
    void theNoiseIsThatOfPairedDifferencesNotOfEitherLoss() {
        // ±0.5 nats between sequences but only ±0.01 between stages of one sequence: a 0.02 shift
        // is real
        Recovery r = recovery(0.02, 0);
        assertInstanceOf(Recovery.Ratio.class, r, r.describe());
        assertTrue(
                r.damage().standardError()
                        < stage(Stage.BASELINE, 0, 0.01, 1).lossStandardError() / 10);
    }

    @Test
    void oneSequenceCannotMeasureNoise() {
        StageResult one = new StageResult(Stage.BASELINE, 1, 0, 2, List.of(2.0), 1, 1, List.of());
        StageResult worse = new StageResult(Stage.PRUNED, 1, 0, 3, List.of(3.0), 1, 1, List.of());
        Recovery r = Recovery.of(one, worse, one);
        assertTrue(r.ratio().isEmpty());
        assertTrue(r.describe().contains("fewer than 2 per-sequence"), r.describe());
    }
}
