package ai.sentinel.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.sentinel.model.AttentionLayout;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-head learning-rate controls that compose: each control (the warm-up of grown heads, a
 * controller's revived heads, …) sets a multiplier per head under its own name, and a head trains
 * at the base rate × the product of every control's multiplier. A masked head that is still present
 * is always frozen (a multiplier of 0: the optimizer neither moves nor decays it), so no control
 * can thaw a pruned head or overwrite another's rate.
 *
 * <p>A head's query and output slices train at its own product; the key/value slices of its group
 * (grouped-query attention) at the base rate while any present head of the group trains at it, else
 * at the highest product among them (0 only when every one is frozen).
 */
public final class HeadRates {
    private final CausalLm model;
    private final Map<String, Map<HeadId, Float>> controls = new LinkedHashMap<>();
    private Object applied; // what the optimizer's scales were last built from

    public HeadRates(CausalLm model) {
        this.model = model;
    }

    /** Replaces control {@code name}'s multipliers (heads not named keep a multiplier of 1). */
    public void set(String name, Map<HeadId, Float> multipliers) {
        for (Map.Entry<HeadId, Float> e : multipliers.entrySet()) {
            if (!(e.getValue() >= 0) || Float.isInfinite(e.getValue())) {
                throw new IllegalArgumentException(
                        name + ": the rate multiplier of " + e.getKey() + " is " + e.getValue());
            }
        }
        controls.put(name, Map.copyOf(multipliers));
    }

    public void clear(String name) {
        controls.remove(name);
    }

    /** The product of every control's multiplier for {@code head}, 0 when it is masked. */
    public float multiplier(HeadId head) {
        if (model.gates().isMasked(head)) {
            return 0f;
        }
        float product = 1f;
        for (Map<HeadId, Float> control : controls.values()) {
            product *= control.getOrDefault(head, 1f);
        }
        return product;
    }

    /**
     * Sets the optimizer's per-element rate scales to the composed multipliers (and clears the
     * scale of every parameter no longer affected). Cheap when nothing changed since the last call.
     */
    public void applyTo(AdamW optimizer) {
        float[] masks = model.gates().maskValues();
        int heads = model.config().numHeads();
        Map<HeadId, Float> products = new HashMap<>();
        List<List<Integer>> present = new ArrayList<>();
        for (int layer = 0; layer < model.config().numLayers(); layer++) {
            present.add(Arrays.stream(model.config().headsPresent(layer)).boxed().toList());
            for (int h : model.config().headsPresent(layer)) {
                HeadId head = new HeadId(layer, h);
                float product = masks[layer * heads + h] == 0f ? 0f : 1f;
                for (Map<HeadId, Float> control : controls.values()) {
                    product *= control.getOrDefault(head, 1f);
                }
                if (product != 1f) {
                    products.put(head, product);
                }
            }
        }
        // the present heads are part of the key: after surgery the same multipliers lie in other
        // slices
        Object key = List.of(products, present, System.identityHashCode(optimizer));
        if (key.equals(applied)) {
            return;
        }
        Map<Parameter, NDArray> scales = new HashMap<>();
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<HeadId, Float> e : products.entrySet()) {
                for (HeadSlice s : model.headLayout().slices(e.getKey())) {
                    boolean groupSlice =
                            s.role() == HeadSlice.Role.KEY || s.role() == HeadSlice.Role.VALUE;
                    float rate = groupSlice ? groupRate(e.getKey(), products) : e.getValue();
                    NDArray scale =
                            scales.computeIfAbsent(s.parameter(), p -> p.value().onesLike());
                    scale.set(s.index(), rate);
                }
            }
            // every other parameter trains at the base rate, including one whose scale a resumed
            // run restored from its checkpoint
            for (Parameter p : optimizer.rateScaledParameters()) {
                if (!scales.containsKey(p)) {
                    optimizer.clearRateScale(p);
                }
            }
            scales.forEach(optimizer::setRateScale);
        }
        applied = key;
    }

    private float groupRate(HeadId head, Map<HeadId, Float> products) {
        AttentionLayout layout = model.attentionLayout(head.layer());
        float highest = 0f;
        for (int h : model.config().headsPresent(head.layer())) {
            if (layout.group(h) == layout.group(head.head())) {
                Float rate = products.get(new HeadId(head.layer(), h));
                if (rate == null) {
                    return 1f;
                }
                highest = Math.max(highest, rate);
            }
        }
        return highest;
    }
}
