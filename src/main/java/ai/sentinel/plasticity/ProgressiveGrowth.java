package ai.sentinel.plasticity;

import ai.sentinel.io.JsonFields;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.train.StatefulHook;
import ai.sentinel.train.StepContext;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Progressive growth: training starts with most heads pruned ({@code uniform}, at least one active
 * per layer) and grows heads back on a schedule until {@code targetActive} of them are active. The
 * number of active heads rises linearly from the start to the target over the first {@code
 * growUntil} of the run, in growth events every {@code growEvery} steps; the rest of the run trains
 * the final shape. Each event chooses heads with the growth strategy, initialises them with {@link
 * GrowthInit}, and hands them to a {@link HeadSchedule} for gate warm-up and the new-head learning
 * rate; masked heads stay frozen. Masks only (adaptive): heads keep their slots, so the optimizer's
 * state never has to move.
 */
public final class ProgressiveGrowth implements StatefulHook {
    /**
     * @param startActive fraction of all heads active at step 0 (raised to one per layer where that
     *     is more)
     * @param targetActive fraction of all heads active at the end of growth
     * @param growEvery optimizer steps between growth events
     * @param growUntil fraction of the run by which the target is reached
     */
    public record Settings(
            GrowthMethod method,
            GrowthInit init,
            double startActive,
            double targetActive,
            int growEvery,
            double growUntil,
            GrowthSchedule schedule,
            float initialScale,
            long seed) {
        public Settings {
            require(
                    startActive > 0 && startActive <= 1,
                    "start active fraction must be in (0, 1], got " + startActive);
            require(
                    targetActive >= startActive && targetActive <= 1,
                    "target active fraction must be in [start "
                            + startActive
                            + ", 1], got "
                            + targetActive);
            require(growEvery >= 1, "growth interval must be >= 1 step, got " + growEvery);
            require(
                    growUntil > 0 && growUntil <= 1,
                    "grow-until must be in (0, 1], got " + growUntil);
        }
    }

    private final CausalLm model;
    private final HeadMeter meter;
    private final Settings settings;
    private final long growthSteps;
    private int startCount;
    private final int targetCount;
    private final HeadSchedule heads;
    private final Consumer<RunEvent> events;

    private ProgressiveGrowth(
            CausalLm model,
            HeadMeter meter,
            Settings settings,
            long totalSteps,
            Consumer<RunEvent> events) {
        this.model = model;
        this.meter = meter;
        this.settings = settings;
        this.growthSteps = Math.max(1, (long) Math.floor(settings.growUntil() * totalSteps));
        this.startCount = Plasticity.activeHeads(model).size();
        int total = Plasticity.allHeads(model).size();
        this.targetCount = Math.max(startCount, (int) Math.round(settings.targetActive() * total));
        this.heads = new HeadSchedule(model, settings.schedule());
        this.events = events;
    }

    /**
     * Prunes {@code model} (all heads active) down to the start fraction and returns the hook that
     * grows it back during a run of {@code totalSteps}; pruning and growth events go to {@code
     * events}.
     */
    public static ProgressiveGrowth start(
            CausalLm model,
            HeadMeter meter,
            Settings settings,
            long totalSteps,
            Consumer<RunEvent> events) {
        int total = Plasticity.allHeads(model).size();
        if (Plasticity.activeHeads(model).size() != total) {
            throw new IllegalArgumentException(
                    "progressive growth starts from a model with every head active");
        }
        int keep =
                Math.max(
                        model.config().numLayers(),
                        (int) Math.round(settings.startActive() * total));
        double fraction = (double) (total - keep) / total;
        if (keep < total) {
            HeadMeasurements measured = meter.measure(model, MaskedHeads.AS_IS);
            Plasticity.Pruned pruned =
                    Plasticity.prune(
                            model,
                            measured,
                            new PruneRequest(
                                    PruningMethod.UNIFORM,
                                    fraction,
                                    PruneMode.ADAPTIVE,
                                    fraction,
                                    0.5,
                                    0.5,
                                    false,
                                    settings.seed()));
            pruned.events(0, 0).forEach(events);
        }
        return new ProgressiveGrowth(model, meter, settings, totalSteps, events);
    }

    /**
     * The hook of a run resumed from a checkpoint (whose model is already pruned and partly grown):
     * nothing is pruned; the trainer restores the schedule's position from the checkpoint.
     */
    public static ProgressiveGrowth resumed(
            CausalLm model,
            HeadMeter meter,
            Settings settings,
            long totalSteps,
            Consumer<RunEvent> events) {
        return new ProgressiveGrowth(model, meter, settings, totalSteps, events);
    }

    /** Active heads the schedule asks for before optimizer step {@code step}. */
    public int targetActive(long step) {
        if (step >= growthSteps) {
            return targetCount;
        }
        return startCount + (int) ((long) (targetCount - startCount) * step / growthSteps);
    }

    @Override
    public void beforeStep(long step, StepContext context) {
        boolean event = step > 0 && (step % settings.growEvery() == 0 || step == growthSteps);
        int missing = targetActive(step) - Plasticity.activeHeads(model).size();
        if (event && missing > 0) {
            HeadScores importance =
                    settings.init() == GrowthInit.COPY
                            ? meter.measure(model, MaskedHeads.AS_IS).importance()
                            : null; // only copy growth reads it
            Plasticity.Grown grown =
                    Plasticity.grow(
                            model,
                            meter,
                            new GrowRequest(
                                    settings.method(),
                                    missing,
                                    settings.init(),
                                    settings.schedule().gate(0),
                                    settings.initialScale(),
                                    settings.seed() + step),
                            importance);
            heads.grown(grown.heads(), step);
            grown.events(0, step).forEach(events);
        }
        heads.beforeStep(step, context);
    }

    @Override
    public String stateName() {
        return "progressive-growth";
    }

    /** The active heads the schedule started from, and each grown head's step. */
    @Override
    public JsonObject saveState() {
        JsonObject o = new JsonObject();
        o.addProperty("start_active", startCount);
        JsonObject grown = new JsonObject();
        heads.grownHeads().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> grown.addProperty(e.getKey().toString(), e.getValue()));
        o.add("grown_at_step", grown);
        return o;
    }

    @Override
    public void restoreState(JsonObject state) {
        int start = JsonFields.requireInt(state, "start_active");
        int total = Plasticity.allHeads(model).size();
        require(start >= 1 && start <= total, "start_active must be in [1, " + total + "]");
        startCount = start;
        JsonObject grown = JsonFields.asObject(state.get("grown_at_step"), "grown_at_step");
        for (String name : grown.keySet()) {
            long step = JsonFields.requireLong(grown, name);
            require(step >= 0, "grown_at_step." + name + " must be >= 0");
            heads.grown(List.of(RunEventJson.parseHead(name)), step);
        }
    }

    /** Heads active now. */
    public List<HeadId> active() {
        return Plasticity.activeHeads(model);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
