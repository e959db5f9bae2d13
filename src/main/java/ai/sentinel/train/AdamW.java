package ai.sentinel.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.sentinel.io.TensorData;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, as {@code torch.optim.AdamW}: for step t, gradient g and rate
 * η (a scalar, or a per-element tensor {@code η·s} when a learning-rate scale s is set for the
 * parameter):
 *
 * <pre>
 *   θ ← θ·(1 − η·λ)                    (only for parameters with decay: not biases, LayerNorm or gates)
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
 *   θ ← θ − η/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε)
 * </pre>
 *
 * The moments live in the optimizer's own manager, allocated up front; each step runs in its own
 * scope.
 */
public final class AdamW implements AutoCloseable {
    private static final NDIndex ALL = new NDIndex("...");
    private final AdamWConfig config;
    private final NDManager manager;
    private final List<Parameter> parameters;
    private final Map<Parameter, NDArray> firstMoments = new IdentityHashMap<>();
    private final Map<Parameter, NDArray> secondMoments = new IdentityHashMap<>();
    private final Map<Parameter, NDArray> rateScales = new IdentityHashMap<>();
    private long stepCount;

    public AdamW(List<Parameter> parameters, AdamWConfig config, NDManager parent) {
        this.config = config;
        this.parameters = List.copyOf(parameters);
        this.manager = parent.newSubManager();
        for (Parameter p : this.parameters) {
            firstMoments.put(p, manager.zeros(p.value().getShape(), p.value().getDataType()));
            secondMoments.put(p, manager.zeros(p.value().getShape(), p.value().getDataType()));
        }
    }

    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    public long stepCount() {
        return stepCount;
    }

    /**
     * Sets a per-element multiplier of the learning rate for {@code p} (same shape as p; copied).
     * Used to give new heads a higher rate.
     */
    public void setRateScale(Parameter p, NDArray scale) {
        requireKnown(p);
        if (!scale.getShape().equals(p.value().getShape())) {
            throw new IllegalArgumentException(
                    "rate scale for "
                            + p.name()
                            + " must have shape "
                            + p.value().getShape()
                            + ", got "
                            + scale.getShape());
        }
        NDArray copy = scale.toType(p.value().getDataType(), true);
        copy.attach(manager);
        NDScope.unregister(copy);
        NDArray old = rateScales.put(p, copy);
        if (old != null) {
            old.close();
        }
    }

    /**
     * Follows head surgery: re-lays out the moments (and rate scale) of each remapped parameter
     * exactly as its weights were, zeros for inserted heads. Call outside any NDScope.
     */
    public void remap(List<ai.sentinel.model.HeadRemap> remaps) {
        for (ai.sentinel.model.HeadRemap r : remaps) {
            Parameter p = r.parameter();
            if (!firstMoments.containsKey(p)) {
                continue;
            }
            for (Map<Parameter, NDArray> state : List.of(firstMoments, secondMoments, rateScales)) {
                NDArray old = state.get(p);
                if (old != null) {
                    state.put(p, r.apply(old));
                    old.close();
                }
            }
        }
    }

    /**
     * The stored first moment of {@code p} (scaled, see {@link #exportState()}); for inspection and
     * tests.
     */
    public NDArray firstMoment(Parameter p) {
        requireKnown(p);
        return firstMoments.get(p);
    }

    /** The parameters that have a rate scale (set by a hook, or restored from a checkpoint). */
    public java.util.Set<Parameter> rateScaledParameters() {
        java.util.Set<Parameter> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(rateScales.keySet());
        return set;
    }

    /** Removes {@code p}'s rate scale: it trains at the base rate again. */
    public void clearRateScale(Parameter p) {
        requireKnown(p);
        NDArray old = rateScales.remove(p);
        if (old != null) {
            old.close();
        }
    }

    /**
     * The effective per-element learning rate of {@code p} at base rate {@code lr}, in the caller's
     * scope.
     */
    public NDArray effectiveRate(Parameter p, float lr) {
        requireKnown(p);
        NDArray scale = rateScales.get(p);
        float rate = lr * p.rateMultiplier();
        return scale == null ? p.value().onesLike().muli(rate) : scale.mul(rate);
    }

    /**
     * Applies one update from the accumulated gradients, which it overwrites (zero them before the
     * next backward). Call outside any gradient collector.
     */
    public void step(float lr) {
        stepCount++;
        float correction1 = 1f - (float) Math.pow(config.beta1(), stepCount);
        float correction2Sqrt = (float) Math.sqrt(1.0 - Math.pow(config.beta2(), stepCount));
        try (NDScope scope = new NDScope()) {
            for (Parameter p : parameters) {
                update(p, lr * p.rateMultiplier(), correction1, correction2Sqrt);
            }
        }
    }

    /**
     * Works in place in the gradient buffer, which the update consumes, allocating one array (the
     * square root; each array of {@code wte}'s size costs a fresh, page-faulting 154 MB on
     * DistilGPT-2), and the moments are kept pre-scaled, {@code μ = m/(1 − β1)} and {@code ν = v/(1
     * − β2)}, so each moment update is two passes ({@code μ ← β1·μ + g}) and the constants fold
     * into one factor: {@code θ −= K·μ/(√ν + ε')} with {@code K = η·(1 − β1)/((1 − β1ᵗ)·a)}, {@code
     * a = √(1 − β2)/√(1 − β2ᵗ)}, {@code ε' = ε/a}. This is the update above, rearranged; the memory
     * passes dominate its cost.
     */
    private void update(Parameter p, float lr, float correction1, float correction2Sqrt) {
        NDArray theta = p.value();
        NDArray g = p.gradient();
        NDArray mu = firstMoments.get(p).muli(config.beta1()).addi(g);
        NDArray nu = secondMoments.get(p).muli(config.beta2()).addi(g.muli(g));
        double a = Math.sqrt(1.0 - config.beta2()) / correction2Sqrt;
        float k = (float) (lr * (1.0 - config.beta1()) / (correction1 * a));
        NDArray denominator =
                nu.sqrt()
                        .addi(
                                (float)
                                        (config.eps()
                                                / a)); // the engine's pow is 5× slower than sqrt
        g.set(ALL, mu);
        NDArray step = g.divi(denominator); // μ/(√ν + ε')
        NDArray scale = rateScales.get(p);
        if (scale == null) {
            if (p.decay() && config.weightDecay() > 0) {
                theta.muli(1f - lr * config.weightDecay());
            }
            theta.subi(step.muli(k));
        } else {
            if (p.decay() && config.weightDecay() > 0) {
                theta.subi(theta.mul(scale).muli(lr * config.weightDecay()));
            }
            theta.subi(step.muli(scale).muli(k));
        }
    }

    /**
     * The optimizer state for checkpoints: the scaled moments under "mu." and "nu." + parameter
     * name (multiply by 1 − β1 and 1 − β2 for Adam's m and v), and rate scales under "rate_scale.".
     */
    public Map<String, TensorData> exportState() {
        Map<String, TensorData> state = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            long[] shape = p.value().getShape().getShape();
            state.put("mu." + p.name(), TensorData.ofFloats(toFloats(firstMoments.get(p)), shape));
            state.put("nu." + p.name(), TensorData.ofFloats(toFloats(secondMoments.get(p)), shape));
            NDArray scale = rateScales.get(p);
            if (scale != null) {
                state.put("rate_scale." + p.name(), TensorData.ofFloats(toFloats(scale), shape));
            }
        }
        return state;
    }

    /**
     * Restores state written by {@link #exportState()}; {@code read} returns the floats stored
     * under a name.
     */
    public void importState(long steps, StateReader read) throws java.io.IOException {
        List<String> missing = new ArrayList<>();
        for (Parameter p : parameters) {
            copy(read, "mu." + p.name(), firstMoments.get(p), missing);
            copy(read, "nu." + p.name(), secondMoments.get(p), missing);
            java.util.Optional<float[]> scale = read.floats("rate_scale." + p.name());
            if (scale.isPresent()) {
                try (NDArray s = EngineArrays.of(manager, scale.get(), p.value().getShape())) {
                    setRateScale(p, s);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new java.io.IOException("optimizer state lacks " + missing);
        }
        stepCount = steps;
    }

    private void copy(StateReader read, String name, NDArray target, List<String> missing)
            throws java.io.IOException {
        java.util.Optional<float[]> stored = read.floats(name);
        if (stored.isEmpty()) {
            missing.add(name);
            return;
        }
        float[] values = stored.get();
        if (values.length != target.getShape().size()) {
            throw new java.io.IOException(
                    "optimizer state "
                            + name
                            + " has "
                            + values.length
                            + " values, the parameter has "
                            + target.getShape().size());
        }
        // an indexed copy: NDArray.set(Buffer) makes libtorch print an AutoNonVariableTypeMode
        // deprecation warning
        try (NDArray source = EngineArrays.of(manager, values, target.getShape());
                NDArray typed = source.toType(target.getDataType(), true)) {
            target.set(ALL, typed);
        }
    }

    /** Reads a named float tensor of saved state; empty when absent. */
    @FunctionalInterface
    public interface StateReader {
        java.util.Optional<float[]> floats(String name) throws java.io.IOException;
    }

    private static float[] toFloats(NDArray a) {
        return a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }

    private void requireKnown(Parameter p) {
        if (!firstMoments.containsKey(p)) {
            throw new IllegalArgumentException(
                    "parameter " + p.name() + " is not optimised by this AdamW");
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
