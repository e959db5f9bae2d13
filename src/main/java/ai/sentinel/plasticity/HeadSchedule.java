package ai.sentinel.plasticity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.sentinel.model.AttentionLayout;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.nn.Parameter;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.StepHook;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applied before every optimizer step of a learning phase: regrown heads' gates follow the warm-up
 * {@code s(t)} and their slices train at {@code r(t)} × the base rate; masked heads that are still
 * present are frozen (rate 0: the optimizer neither moves nor decays them). Everything else trains
 * at the base rate.
 */
public final class HeadSchedule implements StepHook {
    private final CausalLm model;
    private final GrowthSchedule schedule;
    private final Map<HeadId, Long> grownAt = new LinkedHashMap<>();

    public HeadSchedule(CausalLm model, GrowthSchedule schedule) {
        this.model = model;
        this.schedule = schedule;
    }

    /** Registers heads grown just before optimizer step {@code step}. */
    public void grown(Iterable<HeadId> heads, long step) {
        heads.forEach(h -> grownAt.put(h, step));
    }

    @Override
    public void beforeStep(long step, AdamW optimizer) {
        setGates(step);
        Map<HeadId, Float> rates = new HashMap<>();
        for (Map.Entry<HeadId, Long> e : grownAt.entrySet()) {
            rates.put(e.getKey(), schedule.rateMultiplier(step - e.getValue()));
        }
        for (int layer = 0; layer < model.config().numLayers(); layer++) {
            for (int h : model.config().headsPresent(layer)) {
                HeadId head = new HeadId(layer, h);
                if (model.gates().isMasked(head)) {
                    rates.put(head, 0f);
                }
            }
        }
        applyRates(rates, optimizer);
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

    /**
     * Sets per-element rate scales on every parameter holding a slice of a head whose rate is not
     * 1.
     */
    private void applyRates(Map<HeadId, Float> rates, AdamW optimizer) {
        Map<Parameter, NDArray> scales = new HashMap<>();
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<HeadId, Float> e : rates.entrySet()) {
                if (e.getValue() == 1f) {
                    continue;
                }
                for (HeadSlice s : model.headLayout().slices(e.getKey())) {
                    boolean groupSlice =
                            s.role() == HeadSlice.Role.KEY || s.role() == HeadSlice.Role.VALUE;
                    float rate = groupSlice ? groupRate(e.getKey(), rates) : e.getValue();
                    NDArray scale =
                            scales.computeIfAbsent(s.parameter(), p -> p.value().onesLike());
                    scale.set(s.index(), rate);
                }
            }
            // every other parameter trains at the base rate, including one whose scale a resumed
            // run restored from its checkpoint (this schedule never set it, yet it must be cleared
            // as in the run that did)
            for (Parameter p : optimizer.rateScaledParameters()) {
                if (!scales.containsKey(p)) {
                    optimizer.clearRateScale(p);
                }
            }
            scales.forEach(optimizer::setRateScale);
        }
    }

    /**
     * The rate of the key/value group {@code head} reads (grouped-query attention): the base rate
     * while any present head of the group trains at it, else the highest rate among them (0 only
     * when every one is frozen).
     */
    private float groupRate(HeadId head, Map<HeadId, Float> rates) {
        AttentionLayout layout = model.attentionLayout(head.layer());
        float highest = 0f;
        for (int h : model.config().headsPresent(head.layer())) {
            if (layout.group(h) == layout.group(head.head())) {
                Float rate = rates.get(new HeadId(head.layer(), h));
                if (rate == null || rate == 1f) {
                    return 1f;
                }
                highest = Math.max(highest, rate);
            }
        }
        return highest;
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
