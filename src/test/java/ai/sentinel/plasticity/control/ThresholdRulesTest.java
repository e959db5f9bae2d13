package ai.sentinel.plasticity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.model.HeadId;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.RunEvent.ControllerAction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Planted measurements give the decisions the rules say, within every limit. */
class ThresholdRulesTest {
    private static final Threshold NEVER_LOW = Threshold.absolute(-1); // every head is above it
    private static final Threshold NEVER_HIGH = Threshold.absolute(1e9); // every head is below it

    /** Planted heads of a L×H model; unnamed heads are active with entropy 0.5, gradient 1. */
    private static final class Planted {
        final int layers;
        final int heads;
        final Map<HeadId, HeadStatus> status = new HashMap<>();
        final Map<HeadId, HeadReading> readings = new HashMap<>();

        Planted(int layers, int heads) {
            this.layers = layers;
            this.heads = heads;
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    active(l, h, 0.5, 1.0);
                }
            }
        }

        Planted active(int l, int h, double entropy, double gradient) {
            status.put(new HeadId(l, h), HeadStatus.ACTIVE);
            readings.put(new HeadId(l, h), new HeadReading(entropy, gradient, 0.1));
            return this;
        }

        Planted pruned(int l, int h, int intervals, double entropy, double sensitivity) {
            status.put(new HeadId(l, h), HeadStatus.pruned(intervals));
            readings.put(new HeadId(l, h), new HeadReading(entropy, Double.NaN, sensitivity));
            return this;
        }

        Planted removed(int l, int h) {
            status.put(new HeadId(l, h), HeadStatus.REMOVED);
            readings.remove(new HeadId(l, h));
            return this;
        }

        ThresholdInputs inputs() {
            return new ThresholdInputs(layers, heads, status, readings);
        }
    }

    private static ThresholdConfig config(
            Threshold high,
            Threshold grad,
            Threshold revive,
            Threshold low,
            int minZero,
            double rate,
            double maxFraction,
            PruneMode mode) {
        return new ThresholdConfig(high, grad, revive, low, minZero, rate, maxFraction, mode);
    }

    /** Absolute thresholds 0.8 / 0.2 for pruning, 0.5 / 0.3 for revival, no limit in the way. */
    private static ThresholdConfig plain(int minZero) {
        return config(
                Threshold.absolute(0.8),
                Threshold.absolute(0.2),
                Threshold.absolute(0.5),
                Threshold.absolute(0.3),
                minZero,
                1.0,
                0.9,
                PruneMode.ADAPTIVE);
    }

    private static List<HeadId> heads(ThresholdVerdict v, ControllerAction action) {
        return v.heads(action);
    }

    @Test
    void anActiveHeadIsPrunedOnlyWhenItsEntropyIsHighAndItsGradientLow() {
        Planted p =
                new Planted(2, 4)
                        .active(0, 0, 0.9, 0.1) // both: pruned
                        .active(0, 1, 0.9, 0.5) // diffuse but learning: kept
                        .active(0, 2, 0.3, 0.1) // focused, idle: kept
                        .active(1, 3, 0.95, 0.05) // both: pruned
                        .active(1, 0, 0.8, 0.1); // entropy not strictly above: kept
        ThresholdVerdict v = ThresholdRules.decide(p.inputs(), plain(2));
        assertEquals(
                List.of(new HeadId(1, 3), new HeadId(0, 0)), heads(v, ControllerAction.PRUNED));
        assertEquals(List.of(), heads(v, ControllerAction.REVIVED));
        assertEquals(new ThresholdVerdict.Selection(3, 4, 2, 2, 0, 0, 0, 0), v.selection());
        ThresholdVerdict.Decision first = v.decisions().get(0);
        assertEquals(new HeadReading(0.95, 0.05, 0.1), first.reading());
        assertTrue(
                first.reason().contains("entropy 0.95 > 0.8") && first.reason().contains("< 0.2"),
                first.reason());
    }

    @Test
    void aPrunedHeadIsRevivedWhenSensitiveAndFocusedAfterItsMinimumInterval() {
        Planted p =
                new Planted(2, 4)
                        .pruned(0, 0, 2, 0.1, 0.9) // revived
                        .pruned(0, 1, 1, 0.1, 0.9) // too soon: held back
                        .pruned(0, 2, 5, 0.6, 0.9) // too diffuse
                        .pruned(1, 1, 5, 0.1, 0.4) // not sensitive enough
                        .pruned(1, 2, 3, 0.2, 0.7); // revived, after L0H0 (less sensitive)
        ThresholdVerdict v = ThresholdRules.decide(p.inputs(), plain(2));
        assertEquals(
                List.of(new HeadId(0, 0), new HeadId(1, 2)), heads(v, ControllerAction.REVIVED));
        assertEquals(1, v.heldBack().size());
        assertEquals(new HeadId(0, 1), v.heldBack().get(0).head());
        assertTrue(
                v.heldBack().get(0).reason().contains("--min-zero-intervals"),
                v.heldBack().get(0).reason());
        assertEquals(new ThresholdVerdict.Selection(0, 0, 0, 0, 4, 4, 3, 2), v.selection());
        assertTrue(
                v.decisions().get(0).reason().contains("sensitivity 0.9 > 0.5"),
                v.decisions().get(0).reason());
    }

    @Test
    void minZeroIntervalsOfZeroRevivesAtTheFirstChance() {
        Planted p = new Planted(1, 4).pruned(0, 0, 0, 0.1, 0.9);
        assertEquals(
                List.of(new HeadId(0, 0)),
                heads(ThresholdRules.decide(p.inputs(), plain(0)), ControllerAction.REVIVED));
    }

    @Test
    void theRateLimitKeepsTheHighestEntropyCandidatesThenTheLowestGradientThenTheFirstHead() {
        Planted p = new Planted(4, 4); // 16 active; rate 0.25 → 4 an interval
        p.active(3, 3, 0.99, 0.1) // 1st
                .active(2, 0, 0.95, 0.05) // 2nd: same entropy as below, lower gradient
                .active(0, 3, 0.95, 0.1) // 3rd: ties L1H1 exactly, lower head id
                .active(1, 1, 0.95, 0.1) // 4th
                .active(1, 2, 0.95, 0.1) // cut
                .active(0, 0, 0.9, 0.0); // cut
        ThresholdConfig c =
                config(
                        Threshold.absolute(0.8),
                        Threshold.absolute(0.2),
                        NEVER_HIGH,
                        NEVER_LOW,
                        2,
                        0.25,
                        0.9,
                        PruneMode.ADAPTIVE);
        ThresholdVerdict v = ThresholdRules.decide(p.inputs(), c);
        assertEquals(
                List.of(new HeadId(3, 3), new HeadId(2, 0), new HeadId(0, 3), new HeadId(1, 1)),
                heads(v, ControllerAction.PRUNED));
        assertEquals(
                List.of(new HeadId(1, 2), new HeadId(0, 0)),
                v.heldBack().stream().map(ThresholdVerdict.HeldBack::head).toList());
        assertTrue(
                v.heldBack().get(0).reason().contains("--prune-rate-limit"),
                v.heldBack().get(0).reason());
        // rounded down: 0.1 of 16 active heads is 1
        ThresholdConfig tenth =
                config(
                        c.highEntropy(),
                        c.gradient(),
                        NEVER_HIGH,
                        NEVER_LOW,
                        2,
                        0.1,
                        0.9,
                        PruneMode.ADAPTIVE);
        assertEquals(
                List.of(new HeadId(3, 3)),
                heads(ThresholdRules.decide(p.inputs(), tenth), ControllerAction.PRUNED));
    }

    @Test
    void neverMoreThanTheMaximumFractionPrunedCountingRemovedAndMaskedHeads() {
        Planted p = new Planted(2, 4).removed(0, 0).pruned(1, 0, 0, 0.9, 0.0);
        for (int h = 1; h < 4; h++) {
            p.active(0, h, 0.9, 0.0).active(1, h, 0.9, 0.0);
        }
        ThresholdConfig c =
                config(
                        Threshold.absolute(0.5),
                        Threshold.absolute(0.5),
                        NEVER_HIGH,
                        NEVER_LOW,
                        2,
                        1.0,
                        0.5,
                        PruneMode.ADAPTIVE);
        ThresholdVerdict v = ThresholdRules.decide(p.inputs(), c); // 2 of the 4 allowed are pruned
        assertEquals(2, heads(v, ControllerAction.PRUNED).size());
        assertTrue(
                v.heldBack().stream().anyMatch(h -> h.reason().contains("--max-pruned-fraction")));
        // already at the cap: nothing more
        p.pruned(0, 1, 0, 0.9, 0.0).pruned(0, 2, 0, 0.9, 0.0);
        assertEquals(
                List.of(), heads(ThresholdRules.decide(p.inputs(), c), ControllerAction.PRUNED));
    }

    @Test
    void revivalsFreeRoomUnderTheMaximumFraction() {
        Planted p = new Planted(2, 4).pruned(0, 0, 3, 0.1, 0.9).pruned(1, 0, 0, 0.9, 0.0);
        for (int h = 1; h < 4; h++) {
            p.active(0, h, 0.9, 0.0).active(1, h, 0.9, 0.0);
        }
        // cap 0.25 × 8 = 2, already 2 pruned; revival of L0H0 makes room for one
        ThresholdConfig c =
                config(
                        Threshold.absolute(0.5),
                        Threshold.absolute(0.5),
                        Threshold.absolute(0.5),
                        Threshold.absolute(0.3),
                        2,
                        1.0,
                        0.25,
                        PruneMode.ADAPTIVE);
        ThresholdVerdict v = ThresholdRules.decide(p.inputs(), c);
        assertEquals(List.of(new HeadId(0, 0)), heads(v, ControllerAction.REVIVED));
        assertEquals(List.of(new HeadId(0, 1)), heads(v, ControllerAction.PRUNED));
        assertEquals(
                ControllerAction.REVIVED, v.decisions().get(0).action(), "revivals come first");
    }

    @Test
    void everyLayerKeepsAnActiveHead() {
        Planted p =
                new Planted(2, 2)
                        .active(0, 0, 0.9, 0.0)
                        .active(0, 1, 0.95, 0.0)
                        .active(1, 0, 0.9, 0.0)
                        .pruned(1, 1, 0, 0.9, 0.0);
        ThresholdConfig c =
                config(
                        Threshold.absolute(0.5),
                        Threshold.absolute(0.5),
                        NEVER_HIGH,
                        NEVER_LOW,
                        2,
                        1.0,
                        0.9,
                        PruneMode.ADAPTIVE);
        ThresholdVerdict v = ThresholdRules.decide(p.inputs(), c);
        assertEquals(List.of(new HeadId(0, 1)), heads(v, ControllerAction.PRUNED));
        assertEquals(
                List.of(new HeadId(0, 0), new HeadId(1, 0)),
                v.heldBack().stream().map(ThresholdVerdict.HeldBack::head).toList());
        assertTrue(
                v.heldBack().get(0).reason().contains("last active head of layer 0"),
                v.heldBack().get(0).reason());
    }

    @Test
    void compressedModeRevivesNothingAndRemovedHeadsNeverComeBack() {
        Planted p = new Planted(2, 4).removed(0, 0).pruned(1, 0, 9, 0.1, 0.9);
        ThresholdConfig adaptive = plain(0);
        ThresholdConfig compressed =
                config(
                        adaptive.highEntropy(),
                        adaptive.gradient(),
                        adaptive.revive(),
                        adaptive.lowEntropy(),
                        0,
                        1.0,
                        0.9,
                        PruneMode.COMPRESSED);
        assertEquals(
                List.of(new HeadId(1, 0)),
                heads(ThresholdRules.decide(p.inputs(), adaptive), ControllerAction.REVIVED));
        ThresholdVerdict v = ThresholdRules.decide(p.inputs(), compressed);
        assertEquals(List.of(), heads(v, ControllerAction.REVIVED));
        assertTrue(
                v.heldBack().get(0).reason().contains("compressed"), v.heldBack().get(0).reason());
    }

    @Test
    void quantilesAreTakenOverTheActiveHeads() {
        Planted p = new Planted(2, 4);
        double[] entropy = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
        double[] grad = {0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};
        for (int i = 0; i < 7; i++) {
            p.active(i / 4, i % 4, entropy[i], grad[i]);
        }
        p.pruned(1, 3, 5, 0.05, 0.3); // not part of any quantile
        ThresholdConfig c =
                config(
                        Threshold.quantile(0.5),
                        Threshold.quantile(0.5),
                        Threshold.quantile(0.5),
                        Threshold.quantile(0.5),
                        2,
                        1.0,
                        0.9,
                        PruneMode.ADAPTIVE);
        ThresholdVerdict v = ThresholdRules.decide(p.inputs(), c);
        assertEquals(0.4, v.thresholds().highEntropy(), 1e-12);
        assertEquals(0.4, v.thresholds().gradient(), 1e-12);
        assertEquals(0.1, v.thresholds().revive(), 1e-12); // active sensitivities are all 0.1
        assertEquals(
                List.of(new HeadId(1, 2), new HeadId(1, 1), new HeadId(1, 0)),
                heads(v, ControllerAction.PRUNED));
        assertEquals(List.of(new HeadId(1, 3)), heads(v, ControllerAction.REVIVED));
        // q0.9 of 0.1 … 0.7 = 0.64: one head above
        ThresholdConfig top =
                config(
                        Threshold.quantile(0.9),
                        Threshold.quantile(0.5),
                        NEVER_HIGH,
                        NEVER_LOW,
                        2,
                        1.0,
                        0.9,
                        PruneMode.ADAPTIVE);
        ThresholdVerdict t = ThresholdRules.decide(p.inputs(), top);
        assertEquals(0.64, t.thresholds().highEntropy(), 1e-12);
        assertEquals(List.of(new HeadId(1, 2)), heads(t, ControllerAction.PRUNED));
    }

    /** Random planted intervals: every decision meets its rule and every limit holds. */
    @Test
    void everyLimitHoldsOnRandomMeasurements() {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 400; trial++) {
            int layers = 1 + random.nextInt(4);
            int heads = 1 + random.nextInt(6);
            Planted p = new Planted(layers, heads);
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    double kind = random.nextDouble();
                    double e = random.nextDouble();
                    if (kind < 0.15) {
                        p.removed(l, h);
                    } else if (kind < 0.4) {
                        p.pruned(l, h, random.nextInt(4), e, random.nextDouble());
                    } else {
                        p.active(l, h, e, random.nextDouble());
                    }
                }
            }
            ThresholdConfig c =
                    config(
                            random.nextBoolean()
                                    ? Threshold.quantile(random.nextDouble())
                                    : Threshold.absolute(random.nextDouble()),
                            random.nextBoolean()
                                    ? Threshold.quantile(random.nextDouble())
                                    : Threshold.absolute(random.nextDouble()),
                            random.nextBoolean()
                                    ? Threshold.quantile(random.nextDouble())
                                    : Threshold.absolute(random.nextDouble()),
                            random.nextBoolean()
                                    ? Threshold.quantile(random.nextDouble())
                                    : Threshold.absolute(random.nextDouble()),
                            random.nextInt(4),
                            random.nextDouble(),
                            random.nextDouble() * 0.99,
                            random.nextInt(4) == 0 ? PruneMode.COMPRESSED : PruneMode.ADAPTIVE);
            ThresholdInputs in = p.inputs();
            ThresholdVerdict v = ThresholdRules.decide(in, c);
            checkLimits(in, c, v, "trial " + trial);
        }
    }

    private static void checkLimits(
            ThresholdInputs in, ThresholdConfig c, ThresholdVerdict v, String what) {
        ThresholdVerdict.Resolved t = v.thresholds();
        List<HeadId> active = in.heads(HeadStatus.State.ACTIVE);
        List<HeadId> pruned = heads(v, ControllerAction.PRUNED);
        List<HeadId> revived = heads(v, ControllerAction.REVIVED);
        for (HeadId h : pruned) {
            HeadReading r = in.readings().get(h);
            assertTrue(in.status().get(h).isActive(), what);
            assertTrue(r.entropy() > t.highEntropy() && r.gradientNorm() < t.gradient(), what);
        }
        for (HeadId h : revived) {
            HeadReading r = in.readings().get(h);
            assertTrue(in.status().get(h).isPruned() && c.mode() == PruneMode.ADAPTIVE, what);
            assertTrue(in.status().get(h).prunedIntervals() >= c.minZeroIntervals(), what);
            assertTrue(r.sensitivity() > t.revive() && r.entropy() < t.lowEntropy(), what);
        }
        assertTrue(
                pruned.size() <= Math.floor(c.pruneRateLimit() * active.size() + 1e-9),
                what + ": rate limit");
        int prunedAfter = in.totalHeads() - active.size() - revived.size() + pruned.size();
        assertTrue(
                pruned.isEmpty()
                        || prunedAfter
                                <= Math.floor(c.maxPrunedFraction() * in.totalHeads() + 1e-9),
                what + ": max fraction");
        for (int l = 0; l < in.numLayers(); l++) {
            int layer = l;
            long before = active.stream().filter(h -> h.layer() == layer).count();
            List<HeadId> after = new ArrayList<>(active);
            after.addAll(revived);
            after.removeAll(pruned);
            assertTrue(
                    before == 0 || after.stream().anyMatch(h -> h.layer() == layer),
                    what + ": layer " + l + " emptied");
        }
        assertEquals(pruned.size(), v.selection().pruned(), what);
        assertEquals(revived.size(), v.selection().revived(), what);
    }
}
