package ai.sentinel.plasticity.control;

import ai.sentinel.data.TextDataset;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadRemap;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.HeadController;
import ai.sentinel.plasticity.HeadGrid;
import ai.sentinel.plasticity.HeadSchedule;
import ai.sentinel.plasticity.PruneMode;
import ai.sentinel.plasticity.Pruner;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.RunEvent.ControllerAction;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.TrainingStep;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threshold controller ({@code --controller threshold}): every {@code interval} steps it
 * measures every head on the first {@code batches} validation batches — one pass, pruned heads with
 * their mask lifted at gate 0, which leaves the model's output as it is — and applies {@link
 * ThresholdRules}. Pruned heads are masked (adaptive: weights kept and frozen) or removed
 * (compressed: the optimizer's moments follow the surgery); revived heads come back with their
 * stored weights, their gate warming up and a higher learning rate, from a {@link HeadSchedule}
 * under the rate control {@value #RATE_CONTROL}.
 *
 * <p>Between intervals it does nothing but set the revived heads' gates and rates. Each interval
 * emits a {@link RunEvent.ControllerDecision} per decision, a {@link RunEvent.ControllerSnapshot}
 * (numbers measured before the decisions, head states after them) and a {@link
 * RunEvent.ControllerInterval}; a revival's decision carries the head's sensitivity {@code
 * E|∂L/∂g|} in its {@code gradientNorm} field, the number its rule read (a pruned head measured at
 * gate 0 has no weight gradient). The first measurement's {@link MeasurementSummary} is handed to
 * the {@code onFirstMeasurement} callback when it is taken, which prints it if the caller wants it
 * shown (not logged here as well: the command line printed it twice), and kept for {@link
 * #firstMeasurement()}; a resumed run that had already measured does neither again.
 */
public final class ThresholdController implements HeadController {
    public static final String NAME = "threshold";
    public static final String STATE_NAME = "threshold-controller";

    /** The {@code HeadRates} control of revived heads' learning rates. */
    public static final String RATE_CONTROL = "threshold-revival";

    private static final Logger LOG = LoggerFactory.getLogger(ThresholdController.class);

    private final CausalLm model;
    private final ThresholdSettings settings;
    private final HeadMeter meter;
    private final int cycle;
    private final long firstStep;
    private final Consumer<RunEvent> events;
    private final Consumer<MeasurementSummary> onFirstMeasurement;
    private final HeadSchedule revivals;

    /** Masked heads still present, and the intervals each has been measured since it was pruned. */
    private final Map<HeadId, Integer> prunedFor = new TreeMap<>();

    private MeasurementSummary firstMeasurement;
    private boolean measuredBefore;
    private int intervals;
    private int prunedTotal;
    private int revivedTotal;
    private long stepsDone;

    /**
     * @param firstStep the run-wide step of the run's first step, added to event steps
     * @param onFirstMeasurement receives the first measurement's summary when it is taken
     */
    public ThresholdController(
            CausalLm model,
            TextDataset data,
            ThresholdSettings settings,
            int cycle,
            long firstStep,
            Consumer<RunEvent> events,
            Consumer<MeasurementSummary> onFirstMeasurement) {
        this.model = model;
        this.settings = settings;
        this.meter = new HeadMeter(data.validation(), settings.batchSize(), settings.batches());
        this.cycle = cycle;
        this.firstStep = firstStep;
        this.events = events;
        this.onFirstMeasurement = onFirstMeasurement;
        this.revivals = new HeadSchedule(model, settings.revival(), RATE_CONTROL);
        // heads pruned before the run (a cycle's pruning) count as pruned from its start
        syncPruned();
    }

    /** Makes a threshold controller for each run; {@code onFirstMeasurement} as above. */
    public static ControllerFactory factory(
            ThresholdSettings settings, Consumer<MeasurementSummary> onFirstMeasurement) {
        return (model, data, cycle, firstStep, events, seed) ->
                new ThresholdController(
                        model, data, settings, cycle, firstStep, events, onFirstMeasurement);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The first measurement's summary, once this controller has taken it (not after a resume). */
    public Optional<MeasurementSummary> firstMeasurement() {
        return Optional.ofNullable(firstMeasurement);
    }

    @Override
    public void beforeStep(long step, StepContext context) {
        revivals.beforeStep(step, context);
        // a head past its warm-up and rate boost trains like any other (gate 1 was just set)
        long done =
                Math.max(settings.revival().gateWarmupSteps(), settings.revival().lrDecaySteps());
        revivals.forget(
                revivals.grownHeads().entrySet().stream()
                        .filter(e -> step - e.getValue() >= done)
                        .map(Map.Entry::getKey)
                        .toList());
    }

    @Override
    public void afterStep(long step, TrainingStep.Outcome outcome, StepContext context) {
        stepsDone = step + 1;
        if (stepsDone % settings.interval() == 0) {
            interval(stepsDone, outcome.loss(), context);
        }
    }

    /** Leaves revived heads' gates where the schedule has them after the last update. */
    @Override
    public void finish(StepContext context) {
        revivals.setGates(stepsDone);
    }

    private void interval(long done, float trainLoss, StepContext context) {
        intervals++;
        syncPruned();
        prunedFor.replaceAll((h, n) -> n + 1);
        HeadMeasurements measured =
                meter.measure(
                        model,
                        prunedFor.isEmpty() ? MaskedHeads.AS_IS : MaskedHeads.LIFTED_AT_ZERO_GATE);
        ThresholdInputs inputs = inputs(measured);
        ThresholdVerdict verdict = ThresholdRules.decide(inputs, settings.rules());
        long runStep = firstStep + done;
        if (!measuredBefore) {
            measuredBefore = true;
            firstMeasurement = MeasurementSummary.of(runStep, inputs, settings.rules(), verdict);
            onFirstMeasurement.accept(firstMeasurement);
        }
        for (ThresholdVerdict.HeldBack h : verdict.heldBack()) {
            LOG.debug("step {}: {} not {}: {}", runStep, h.head(), h.action().key(), h.reason());
        }
        List<RunEvent> out = new ArrayList<>();
        for (ThresholdVerdict.Decision d : verdict.decisions()) {
            float gate =
                    d.action() == ControllerAction.REVIVED
                            ? settings.revival().gate(0)
                            : model.gates().gateValue(d.head());
            out.add(
                    new RunEvent.ControllerDecision(
                            cycle,
                            runStep,
                            NAME,
                            d.action(),
                            d.head(),
                            d.reading().entropy(),
                            d.action() == ControllerAction.REVIVED
                                    ? d.reading().sensitivity()
                                    : d.reading().gradientNorm(),
                            gate,
                            d.reason()));
        }
        List<HeadId> revived = verdict.heads(ControllerAction.REVIVED);
        List<HeadId> pruned = verdict.heads(ControllerAction.PRUNED);
        revive(revived, done);
        prune(pruned, context);
        prunedTotal += pruned.size();
        revivedTotal += revived.size();
        out.add(snapshot(runStep, inputs));
        out.add(
                new RunEvent.ControllerInterval(
                        cycle,
                        runStep,
                        NAME,
                        pruned.size(),
                        revived.size(),
                        model.gates().numActive(),
                        inputs.totalHeads(),
                        trainLoss,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN));
        out.forEach(events);
    }

    /** Unmasks {@code heads} with their stored weights; they warm up from the next step on. */
    private void revive(List<HeadId> heads, long nextStep) {
        for (HeadId h : heads) {
            model.gates().setMasked(h, false);
            model.gates().setGate(h, settings.revival().gate(0));
            prunedFor.remove(h);
        }
        revivals.grown(heads, nextStep);
    }

    private void prune(List<HeadId> heads, StepContext context) {
        if (heads.isEmpty()) {
            return;
        }
        revivals.forget(heads);
        PruneMode mode = settings.rules().mode();
        List<HeadRemap> remaps = Pruner.prune(model, heads, mode);
        if (!remaps.isEmpty()) {
            context.optimizer().remap(remaps);
        }
        if (mode == PruneMode.ADAPTIVE) {
            heads.forEach(h -> prunedFor.put(h, 0));
        }
    }

    /** Keeps {@link #prunedFor} to the heads masked now (another actor may have changed some). */
    private void syncPruned() {
        Map<HeadId, Integer> now = new HashMap<>();
        for (HeadId h : slots()) {
            if (model.config().isPresent(h) && model.gates().isMasked(h)) {
                now.put(h, prunedFor.getOrDefault(h, 0));
            }
        }
        prunedFor.clear();
        prunedFor.putAll(now);
    }

    private ThresholdInputs inputs(HeadMeasurements m) {
        Map<HeadId, HeadStatus> status = new TreeMap<>();
        Map<HeadId, HeadReading> readings = new TreeMap<>();
        for (HeadId h : slots()) {
            if (!model.config().isPresent(h)) {
                status.put(h, HeadStatus.REMOVED);
                continue;
            }
            boolean pruned = prunedFor.containsKey(h);
            status.put(h, pruned ? HeadStatus.pruned(prunedFor.get(h)) : HeadStatus.ACTIVE);
            readings.put(
                    h,
                    new HeadReading(
                            m.normalizedEntropy().get(h),
                            pruned ? Double.NaN : m.gradientNorm().get(h),
                            m.importance().get(h)));
        }
        return new ThresholdInputs(
                model.config().numLayers(), model.config().numHeads(), status, readings);
    }

    private RunEvent.ControllerSnapshot snapshot(long runStep, ThresholdInputs in) {
        int layers = in.numLayers();
        int heads = in.numHeads();
        double[][] entropy = new double[layers][heads];
        double[][] gradient = new double[layers][heads];
        double[][] gate = new double[layers][heads];
        double[][] state = new double[layers][heads];
        for (HeadId h : slots()) {
            HeadReading r = in.readings().get(h);
            boolean present = model.config().isPresent(h);
            entropy[h.layer()][h.head()] = r == null ? Double.NaN : r.entropy();
            gradient[h.layer()][h.head()] = r == null ? Double.NaN : r.gradientNorm();
            gate[h.layer()][h.head()] = present ? model.gates().gateValue(h) : Double.NaN;
            state[h.layer()][h.head()] = !present ? -1 : model.gates().isMasked(h) ? 0 : 1;
        }
        return new RunEvent.ControllerSnapshot(
                cycle,
                runStep,
                NAME,
                new HeadGrid(entropy),
                new HeadGrid(gradient),
                new HeadGrid(gate),
                new HeadGrid(state));
    }

    private List<HeadId> slots() {
        List<HeadId> all = new ArrayList<>();
        for (int l = 0; l < model.config().numLayers(); l++) {
            for (int h = 0; h < model.config().numHeads(); h++) {
                all.add(new HeadId(l, h));
            }
        }
        return all;
    }

    @Override
    public String stateName() {
        return STATE_NAME;
    }

    @Override
    public JsonObject saveState() {
        JsonObject o = new JsonObject();
        o.addProperty("intervals", intervals);
        o.addProperty("pruned_total", prunedTotal);
        o.addProperty("revived_total", revivedTotal);
        o.addProperty("measured", measuredBefore);
        o.addProperty("steps_done", stepsDone);
        o.add("pruned_for", heads(prunedFor, "intervals"));
        o.add("revived_at", heads(new TreeMap<>(revivals.grownHeads()), "step"));
        return o;
    }

    @Override
    public void restoreState(JsonObject state) {
        int restoredIntervals = integer(state, "intervals");
        int restoredPruned = integer(state, "pruned_total");
        int restoredRevived = integer(state, "revived_total");
        boolean measured = flag(state, "measured");
        long restoredSteps = number(state, "steps_done");
        Map<HeadId, Long> restoredPrunedFor = readHeads(state, "pruned_for", "intervals");
        Map<HeadId, Long> restoredRevivals = readHeads(state, "revived_at", "step");
        intervals = restoredIntervals;
        prunedTotal = restoredPruned;
        revivedTotal = restoredRevived;
        measuredBefore = measured;
        stepsDone = restoredSteps;
        prunedFor.clear();
        restoredPrunedFor.forEach((h, n) -> prunedFor.put(h, (int) (long) n));
        revivals.forget(List.copyOf(revivals.grownHeads().keySet()));
        restoredRevivals.forEach((h, step) -> revivals.grown(List.of(h), step));
    }

    private static JsonArray heads(Map<HeadId, ? extends Number> values, String key) {
        JsonArray a = new JsonArray();
        values.forEach(
                (h, v) -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("layer", h.layer());
                    o.addProperty("head", h.head());
                    o.addProperty(key, v);
                    a.add(o);
                });
        return a;
    }

    private Map<HeadId, Long> readHeads(JsonObject state, String name, String key) {
        JsonElement e = state.get(name);
        if (e == null || !e.isJsonArray()) {
            throw new IllegalArgumentException("'" + name + "' must be an array of heads");
        }
        Map<HeadId, Long> out = new TreeMap<>();
        for (JsonElement item : e.getAsJsonArray()) {
            if (!item.isJsonObject()) {
                throw new IllegalArgumentException("'" + name + "' holds a non-object");
            }
            JsonObject o = item.getAsJsonObject();
            int layer = integer(o, "layer");
            int head = integer(o, "head");
            if (layer >= model.config().numLayers() || head >= model.config().numHeads()) {
                throw new IllegalArgumentException(
                        "'" + name + "' names head L" + layer + "H" + head + " outside the model");
            }
            long value = number(o, key);
            if (value < 0) {
                throw new IllegalArgumentException("'" + name + "." + key + "' must be >= 0");
            }
            out.put(new HeadId(layer, head), value);
        }
        return out;
    }

    private static int integer(JsonObject o, String key) {
        long v = number(o, key);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "'" + key + "' must be a non-negative int, got " + v);
        }
        return (int) v;
    }

    private static long number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        try {
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new NumberFormatException();
            }
            return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
        } catch (NumberFormatException | ArithmeticException x) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number");
        }
    }

    private static boolean flag(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException("'" + key + "' must be true or false");
        }
        return e.getAsBoolean();
    }
}
