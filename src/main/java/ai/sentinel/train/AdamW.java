package ai.sentinel.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import ai.sentinel.io.DType;
import ai.sentinel.io.SafetensorsFile;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.StoredTensor;
import ai.sentinel.model.StoredArray;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Parameter;
import ai.sentinel.nn.ScriptedOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The moments m and v live in the optimizer's own manager. They are allocated at the first step
 * (zeros until then, as in PyTorch) and can be {@linkplain #spill spilled} to a file between
 * training phases, so that a phase that does not train does not hold twice the model's size in
 * moments; the next use reads them back. Each step runs in its own scope. Parameters without a
 * per-element rate are updated by libtorch's fused AdamW kernel ({@code _fused_adamw_}, one pass
 * over θ, g, m, v per parameter, one call per group of equal rate and decay); the per-element rates
 * of new heads take the composed path, {@link #updateScaled}.
 */
public final class AdamW implements AutoCloseable {
    private static final NDIndex ALL = new NDIndex("...");
    private static final String FIRST = "exp_avg.";
    private static final String SECOND = "exp_avg_sq.";
    private static final String RATE_SCALE = "rate_scale.";
    private final AdamWConfig config;
    private final NDManager manager;
    private final List<Parameter> parameters;
    private final Map<Parameter, NDArray> firstMoments = new IdentityHashMap<>();
    private final Map<Parameter, NDArray> secondMoments = new IdentityHashMap<>();
    private final Map<Parameter, NDArray> rateScales = new IdentityHashMap<>();
    private final java.util.Set<Parameter> known =
            Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean resident; // the moments are in memory; else in spilled, or all zero
    private SafetensorsFile spilled;
    private long stepCount;

    public AdamW(List<Parameter> parameters, AdamWConfig config, NDManager parent) {
        this.config = config;
        this.parameters = List.copyOf(parameters);
        this.manager = parent.newSubManager();
        known.addAll(this.parameters);
    }

    /**
     * Writes the moments to {@code file} and frees them; the next step, export or import reads them
     * back (bit for bit) and deletes the file. Nothing is written while they are all zero or
     * already spilled. Call outside any scope, between training phases.
     */
    public void spill(Path file) throws IOException {
        if (!resident) {
            return;
        }
        Map<String, StoredTensor> moments = new LinkedHashMap<>();
        exportState()
                .forEach(
                        (name, t) -> {
                            if (!name.startsWith(RATE_SCALE)) {
                                moments.put(name, t);
                            }
                        });
        SafetensorsWriter.write(file, moments, Map.of("optimizer", "adamw-moments"));
        freeMoments();
        spilled = SafetensorsFile.open(file);
    }

    /** Whether the moments are in memory now (not spilled, not yet allocated). */
    public boolean momentsResident() {
        return resident;
    }

    /** Puts the moments in memory: zeros, or what was spilled. */
    private void makeResident() {
        if (resident) {
            return;
        }
        for (Parameter p : parameters) {
            firstMoments.put(p, zerosLike(p));
            secondMoments.put(p, zerosLike(p));
        }
        resident = true;
        if (spilled != null) {
            try {
                SafetensorsFile file = spilled;
                spilled = null;
                for (Parameter p : parameters) {
                    copy(file::readFiniteFloats, FIRST + p.name(), p, firstMoments);
                    copy(file::readFiniteFloats, SECOND + p.name(), p, secondMoments);
                }
                discard(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(
                        "cannot read back the optimizer's spilled moments", e);
            }
        }
    }

    /** Zeros in the optimizer's manager, owned by no caller's scope. */
    private NDArray zerosLike(Parameter p) {
        NDArray zeros = manager.zeros(p.value().getShape(), p.value().getDataType());
        NDScope.unregister(zeros);
        return zeros;
    }

    private void freeMoments() {
        firstMoments.values().forEach(NDArray::close);
        secondMoments.values().forEach(NDArray::close);
        firstMoments.clear();
        secondMoments.clear();
        resident = false;
    }

    private static void discard(SafetensorsFile file) throws IOException {
        file.close();
        Files.deleteIfExists(file.path());
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
        if (!remaps.isEmpty()) {
            makeResident();
        }
        for (ai.sentinel.model.HeadRemap r : remaps) {
            Parameter p = r.parameter();
            if (!known.contains(p)) {
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

    /** Adam's first moment m of {@code p}; for inspection and tests. */
    public NDArray firstMoment(Parameter p) {
        requireKnown(p);
        makeResident();
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
     * Applies one update from the accumulated gradients, which it may overwrite (zero them before
     * the next backward). Call outside any gradient collector.
     */
    public void step(float lr) {
        makeResident();
        stepCount++;
        float correction1 = 1f - (float) Math.pow(config.beta1(), stepCount);
        float correction2Sqrt = (float) Math.sqrt(1.0 - Math.pow(config.beta2(), stepCount));
        try (NDScope scope = new NDScope()) {
            Map<List<Float>, List<Parameter>> groups = new LinkedHashMap<>();
            for (Parameter p : parameters) {
                float rate = lr * p.rateMultiplier();
                if (rateScales.containsKey(p)) {
                    updateScaled(p, rate, correction1, correction2Sqrt);
                } else {
                    groups.computeIfAbsent(List.of(rate, decayOf(p)), k -> new ArrayList<>())
                            .add(p);
                }
            }
            NDArray step = EngineArrays.of(manager, new float[] {stepCount}, new Shape());
            groups.forEach((key, group) -> fusedUpdate(group, key.get(0), key.get(1), step));
        }
    }

    private float decayOf(Parameter p) {
        return p.decay() ? config.weightDecay() : 0f;
    }

    /** libtorch's fused AdamW over a group of parameters that share rate and decay. */
    private void fusedUpdate(List<Parameter> group, float lr, float decay, NDArray step) {
        List<NDArray> steps = java.util.Collections.nCopies(group.size(), step);
        Fused.ADAMW.run(
                ScriptedOp.tensors(group.stream().map(Parameter::value).toList()),
                ScriptedOp.tensors(group.stream().map(Parameter::gradient).toList()),
                ScriptedOp.tensors(group.stream().map(firstMoments::get).toList()),
                ScriptedOp.tensors(group.stream().map(secondMoments::get).toList()),
                ScriptedOp.tensors(steps),
                IValue.from((double) lr),
                IValue.from((double) config.beta1()),
                IValue.from((double) config.beta2()),
                IValue.from((double) decay),
                IValue.from((double) config.eps()));
    }

    /**
     * The update above with a per-element rate {@code η·s}, composed of element-wise operations
     * (only new heads' parameters, during their warm-up, take this path).
     */
    private void updateScaled(Parameter p, float lr, float correction1, float correction2Sqrt) {
        NDArray theta = p.value();
        NDArray g = p.gradient();
        NDArray rate = rateScales.get(p).mul(lr); // η·s, per element
        NDArray m = firstMoments.get(p).muli(config.beta1()).addi(g.mul(1f - config.beta1()));
        NDArray v =
                secondMoments.get(p).muli(config.beta2()).addi(g.muli(g).muli(1f - config.beta2()));
        if (p.decay() && config.weightDecay() > 0) {
            theta.subi(theta.mul(rate).muli(config.weightDecay()));
        }
        NDArray denominator = v.sqrt().divi(correction2Sqrt).addi(config.eps());
        theta.subi(m.div(denominator).muli(rate).divi(correction1));
    }

    private static final class Fused {
        static final ScriptedOp ADAMW =
                ScriptedOp.compile(
                        "FusedAdamW",
                        "params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor],"
                                + " exp_avg_sqs: List[Tensor], steps: List[Tensor], lr: float,"
                                + " beta1: float, beta2: float, weight_decay: float, eps: float",
                        "int",
                        String.join(
                                "\n",
                                "    torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, [],"
                                        + " steps, lr=lr, beta1=beta1, beta2=beta2,"
                                        + " weight_decay=weight_decay, eps=eps, amsgrad=False,"
                                        + " maximize=False)",
                                "    return 0"));
    }

    /**
     * The optimizer state for checkpoints: Adam's moments m and v under "exp_avg." and
     * "exp_avg_sq." + parameter name (PyTorch's names), and rate scales under "rate_scale.".
     */
    public Map<String, StoredTensor> exportState() {
        Map<String, StoredTensor> state = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            for (String prefix : List.of(FIRST, SECOND)) {
                String name = prefix + p.name();
                state.put(
                        name,
                        storedMoment(name, p, prefix.equals(FIRST) ? firstMoments : secondMoments));
            }
            NDArray scale = rateScales.get(p);
            if (scale != null) {
                state.put(RATE_SCALE + p.name(), new StoredArray(scale));
            }
        }
        return state;
    }

    /** A moment from memory, from the spill file (copied as stored), or zeros. */
    private StoredTensor storedMoment(String name, Parameter p, Map<Parameter, NDArray> moments) {
        if (resident) {
            return new StoredArray(moments.get(p));
        }
        if (spilled != null) {
            try {
                return spilled.stored(name);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return StoredTensor.zeros(DType.F32, p.value().getShape().getShape());
    }

    /**
     * Restores state written by {@link #exportState()}; {@code read} returns the floats stored
     * under a name.
     */
    public void importState(long steps, StateReader read) throws java.io.IOException {
        if (spilled != null) { // replaced by what is read
            discard(spilled);
            spilled = null;
        }
        makeResident();
        List<String> missing = new ArrayList<>();
        for (Parameter p : parameters) {
            copy(read, FIRST + p.name(), "mu.", 1 - config.beta1(), p, firstMoments, missing);
            copy(read, SECOND + p.name(), "nu.", 1 - config.beta2(), p, secondMoments, missing);
            java.util.Optional<float[]> scale = read.floats(RATE_SCALE + p.name());
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

    /**
     * Copies a stored moment into place. Checkpoints written before 2026-12-02 hold it pre-scaled
     * under {@code legacyPrefix} (μ = m/(1 − β1), ν = v/(1 − β2)); those are multiplied back by
     * {@code legacyFactor}.
     */
    private void copy(
            StateReader read,
            String name,
            String legacyPrefix,
            float legacyFactor,
            Parameter p,
            Map<Parameter, NDArray> moments,
            List<String> missing)
            throws java.io.IOException {
        java.util.Optional<float[]> stored = read.floats(name);
        if (stored.isEmpty()) {
            stored = read.floats(legacyPrefix + p.name());
            if (stored.isPresent()) {
                float[] scaled = stored.get();
                for (int i = 0; i < scaled.length; i++) {
                    scaled[i] *= legacyFactor;
                }
            }
        }
        if (stored.isEmpty()) {
            missing.add(name);
            return;
        }
        float[] values = stored.get();
        copy(ignored -> values, name, p, moments);
    }

    /** Copies the floats stored under {@code name} into {@code p}'s moment. */
    private void copy(FloatsReader read, String name, Parameter p, Map<Parameter, NDArray> moments)
            throws java.io.IOException {
        NDArray target = moments.get(p);
        float[] values = read.floats(name);
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

    /** Reads a named float tensor that must be there. */
    @FunctionalInterface
    private interface FloatsReader {
        float[] floats(String name) throws java.io.IOException;
    }

    private void requireKnown(Parameter p) {
        if (!known.contains(p)) {
            throw new IllegalArgumentException(
                    "parameter " + p.name() + " is not optimised by this AdamW");
        }
    }

    @Override
    public void close() {
        manager.close();
        if (spilled != null) {
            try {
                discard(spilled);
            } catch (IOException e) {
                // a leftover spill file is harmless: the next spill replaces it
            }
            spilled = null;
        }
    }
}
