package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadRemap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Single pruning and growth steps: decide from measurements, act on the model, and describe what
 * was done.
 */
public final class Plasticity {
    /**
     * What a pruning step did: each head it pruned and why, the ties its cut split, and the
     * re-layouts of compressed pruning for a live optimizer to follow ({@code AdamW.remap}).
     */
    public record Pruned(
            List<PruneDecision> decisions, List<List<HeadId>> tiesAtCut, List<HeadRemap> remaps) {
        public List<HeadId> heads() {
            return decisions.stream().map(PruneDecision::head).toList();
        }

        /** The step's run events, stamped with where in the run it happened. */
        public List<RunEvent> events(int cycle, long step) {
            List<RunEvent> events = new ArrayList<>();
            decisions.forEach(d -> events.add(new RunEvent.HeadPruned(cycle, step, d)));
            if (!tiesAtCut.isEmpty()) {
                events.add(new RunEvent.PruningTies(cycle, step, tiesAtCut));
            }
            return events;
        }
    }

    /**
     * What a growth step did: each head it grew, in rank order, and why, and the re-layouts of
     * heads re-inserted after compressed pruning for a live optimizer to follow.
     */
    public record Grown(List<GrowDecision> decisions, List<HeadRemap> remaps) {
        public List<HeadId> heads() {
            return decisions.stream().map(GrowDecision::head).toList();
        }

        /** The step's run events, stamped with where in the run it happened. */
        public List<RunEvent> events(int cycle, long step) {
            return decisions.stream()
                    .map(d -> (RunEvent) new RunEvent.HeadGrown(cycle, step, d))
                    .toList();
        }
    }

    private Plasticity() {}

    /**
     * Prunes {@code request.fraction()} of the active heads by {@code request.method()}, measured
     * as {@code m}.
     */
    public static Pruned prune(CausalLm model, HeadMeasurements measured, PruneRequest request) {
        HeadMeasurements m =
                request.normalizeImportance()
                        ? measured.withImportanceNormalizedPerLayer()
                        : measured;
        List<HeadId> active = activeHeads(model);
        int total = model.config().numLayers() * model.config().numHeads();
        PruningStrategy strategy =
                request.method()
                        .create(request.seed(), request.entropyWeight(), request.gradientWeight());
        HeadScores priorities = strategy.priorities(m);
        int count = (int) Math.round(request.fraction() * active.size());
        HeadRanking.Selection selection =
                request.gqaPolicy() == GqaPolicy.QUERY
                        ? new HeadRanking(1, request.maxPrunedFraction())
                                .select(
                                        priorities,
                                        active,
                                        count,
                                        total,
                                        total - active.size(),
                                        request.seed(),
                                        strategy.samePerLayer())
                        : new HeadRanking.Selection(
                                request.gqaPolicy()
                                        .select(
                                                model,
                                                priorities,
                                                active,
                                                count,
                                                (int)
                                                                Math.floor(
                                                                        request.maxPrunedFraction()
                                                                                        * total
                                                                                + 1e-9)
                                                        - (total - active.size()),
                                                request.uniformLayers()),
                                List.of());
        List<HeadRemap> remaps = Pruner.prune(model, selection.chosen(), request.mode());
        List<PruneDecision> decisions = new ArrayList<>();
        for (HeadId h : selection.chosen()) {
            decisions.add(
                    new PruneDecision(
                            h,
                            request.method(),
                            request.mode(),
                            priorities.get(h),
                            m.entropy().get(h),
                            m.normalizedEntropy().get(h),
                            m.gradientNorm().get(h),
                            m.magnitude().get(h),
                            m.importance().get(h)));
        }
        return new Pruned(decisions, selection.tiesAtCut(), remaps);
    }

    /**
     * Grows back up to {@code request.count()} pruned heads chosen by {@code request.method()} from
     * measurements taken with their masks lifted. {@code importance} (active heads) picks the donor
     * of copy growth.
     */
    public static Grown grow(
            CausalLm model, HeadMeter meter, GrowRequest request, HeadScores importance) {
        Set<HeadId> candidates = new LinkedHashSet<>(allHeads(model));
        candidates.removeAll(activeHeads(model));
        int count = Math.min(candidates.size(), request.count());
        if (count == 0) {
            return new Grown(List.of(), List.of());
        }
        CandidateProbe.Measured probe =
                CandidateProbe.measure(model, candidates, meter, request.seed());
        Map<Integer, Integer> activePerLayer = new HashMap<>();
        for (int l = 0; l < model.config().numLayers(); l++) {
            activePerLayer.put(l, 0);
        }
        activeHeads(model).forEach(h -> activePerLayer.merge(h.layer(), 1, Integer::sum));
        List<HeadId> chosen =
                List.copyOf(
                        request.method()
                                .strategy()
                                .rank(
                                        new GrowthInputs(
                                                candidates,
                                                probe.atZeroGate(),
                                                probe.atFullGate(),
                                                activePerLayer,
                                                request.seed()))
                                .subList(0, count));
        Map<Integer, double[][]> transferBases =
                request.init() == GrowthInit.SKIP_TRANSFER
                        ? SkipTransfer.bases(
                                model,
                                chosen.stream().map(HeadId::layer).distinct().toList(),
                                meter.batches(),
                                request.seed())
                        : Map.of();
        List<HeadRemap> remaps =
                Grower.grow(
                        model,
                        chosen,
                        request.init(),
                        request.startGate(),
                        request.initialScale(),
                        importance,
                        transferBases,
                        request.seed());
        List<GrowDecision> decisions = new ArrayList<>();
        for (int rank = 0; rank < chosen.size(); rank++) {
            HeadId h = chosen.get(rank);
            decisions.add(
                    new GrowDecision(
                            h,
                            request.method(),
                            request.init(),
                            rank,
                            probe.atZeroGate().importance().get(h),
                            probe.atFullGate().importance().get(h),
                            probe.atZeroGate().normalizedEntropy().get(h)));
        }
        return new Grown(decisions, remaps);
    }

    /** Every head slot of the model, layer by layer, present or removed. */
    public static List<HeadId> allHeads(CausalLm model) {
        List<HeadId> heads = new ArrayList<>();
        for (int l = 0; l < model.config().numLayers(); l++) {
            for (int h = 0; h < model.config().numHeads(); h++) {
                heads.add(new HeadId(l, h));
            }
        }
        return heads;
    }

    /**
     * The heads that take part in the forward pass (pruned heads are masked, whether kept or
     * removed).
     */
    public static List<HeadId> activeHeads(CausalLm model) {
        return allHeads(model).stream().filter(h -> !model.gates().isMasked(h)).toList();
    }
}
