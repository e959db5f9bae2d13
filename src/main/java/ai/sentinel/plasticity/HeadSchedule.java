package ai.sentinel.plasticity;

import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.train.HeadRates;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.StepHook;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applied before every optimizer step of a learning phase: regrown heads' gates follow the warm-up
 * {@code s(t)} and their slices train at {@code r(t)} × the base rate (a named control of {@link
 * HeadRates}, {@value #CONTROL} unless given another, which also keeps masked heads frozen). Two
 * schedules in one run (a cycle's grown heads, a controller's revived ones) need different control
 * names, or the later one would overwrite the earlier one's rates.
 */
public final class HeadSchedule implements StepHook {
    /** The name of the learning-rate control this schedule sets. */
    public static final String CONTROL = "growth-warmup";

    private final CausalLm model;
    private final GrowthSchedule schedule;
    private final String control;
    private final Map<HeadId, Long> grownAt = new LinkedHashMap<>();

    public HeadSchedule(CausalLm model, GrowthSchedule schedule) {
        this(model, schedule, CONTROL);
    }

    /** A schedule that sets its rates as the {@link HeadRates} control named {@code control}. */
    public HeadSchedule(CausalLm model, GrowthSchedule schedule, String control) {
        this.model = model;
        this.schedule = schedule;
        this.control = control;
    }

    /** Registers heads grown just before optimizer step {@code step}. */
    public void grown(Iterable<HeadId> heads, long step) {
        heads.forEach(h -> grownAt.put(h, step));
    }

    /** Forgets heads pruned again (a controller's decision): they no longer warm up. */
    public void forget(Iterable<HeadId> heads) {
        heads.forEach(grownAt::remove);
    }

    @Override
    public void beforeStep(long step, StepContext context) {
        setGates(step);
        Map<HeadId, Float> rates = new HashMap<>();
        for (Map.Entry<HeadId, Long> e : grownAt.entrySet()) {
            rates.put(e.getKey(), schedule.rateMultiplier(step - e.getValue()));
        }
        context.rates().set(control, rates);
    }

    /**
     * Sets the regrown heads' gates to their warm-up value at {@code step}. Called with the phase's
     * step count when it ends, so the gates the next stage sees are those the schedule reaches
     * after the last update (the hook itself only runs before each update).
     */
    public void setGates(long step) {
        for (Map.Entry<HeadId, Long> e : grownAt.entrySet()) {
            model.gates().setGate(e.getKey(), schedule.gate(step - e.getValue()));
        }
    }

    /** The heads regrown and when, for reports. */
    public Map<HeadId, Long> grownHeads() {
        return Map.copyOf(grownAt);
    }

    @Override
    public String toString() {
        return "HeadSchedule" + Arrays.toString(grownAt.keySet().toArray());
    }
}
