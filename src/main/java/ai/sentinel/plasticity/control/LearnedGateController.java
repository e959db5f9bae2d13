package ai.sentinel.plasticity.control;

import ai.sentinel.io.JsonFields;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadRemap;
import ai.sentinel.plasticity.HeadController;
import ai.sentinel.plasticity.HeadGrid;
import ai.sentinel.plasticity.Pruner;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.train.AdamW;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.TrainingStep;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Learns a hard-concrete gate per head with the model (Voita et al. 2019) and prunes the heads
 * whose gates close. The model graph is untouched: before each step the model's gates are set to
 * samples z(log α, u); after it, the step's own ∂L/∂g is chained through ∂z/∂log α, the sparsity
 * penalty's gradient is added, and the logits take an Adam step of their own. Between steps the
 * model holds the deterministic gates ẑ(log α), so evaluations and checkpoints see the test-time
 * model.
 *
 * <p>Every {@code updateFrequency} steps a head whose ẑ stays below the threshold for {@code
 * patience} consecutive checks is pruned (never a layer's last head, nor below a target's head
 * count). {@link #finish} makes the gates binary: the round(E[open]) most open heads (at least one
 * per layer) get gate 1, the rest are pruned — the deterministic mask of CoFi and Sheared-LLaMA.
 *
 * <p>The model's optimizer must not train the gates: this controller owns them.
 */
public final class LearnedGateController implements HeadController {
    public static final String NAME = "learned";

    /** The names {@code --controller} accepts for it: the original called it "ann". */
    public static final List<String> NAMES = List.of(NAME, "ann");

    public static final String STATE_NAME = "learned-controller";

    private static final HardConcrete GATE = HardConcrete.LOUIZOS;

    private final CausalLm model;
    private final LearnedGateConfig config;
    private final int cycle;
    private final long firstStep;
    private final Consumer<RunEvent> events;
    private final long seed;
    private final int layers;
    private final int heads;

    private final double[] logAlpha;
    private final LogitAdam adam;
    private final SparsityPenalty penalty;
    private final int[] checksBelow;
    private long stepsDone;
    private double intervalLossSum;
    private int intervalSteps;
    private int intervalPruned;
    private double[] lastLossGradient;

    public LearnedGateController(
            CausalLm model,
            LearnedGateConfig config,
            int cycle,
            long firstStep,
            Consumer<RunEvent> events,
            long seed) {
        this.model = model;
        this.config = config;
        this.cycle = cycle;
        this.firstStep = firstStep;
        this.events = events;
        this.seed = seed;
        this.layers = model.gates().numLayers();
        this.heads = model.gates().numHeads();
        int n = layers * heads;
        this.logAlpha = new double[n];
        Arrays.fill(logAlpha, config.initialLogAlpha());
        this.adam = new LogitAdam(n);
        this.penalty = new SparsityPenalty(config.sparsity());
        this.checksBelow = new int[n];
        this.lastLossGradient = new double[n];
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String stateName() {
        return STATE_NAME;
    }

    @Override
    public void beforeStep(long step, StepContext context) {
        requireGatesUntrained(context.optimizer());
        double[] u = GateNoise.uniforms(seed, cycle, step, logAlpha.length);
        boolean[] active = activeHeads();
        float[] z = new float[logAlpha.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = active[i] ? (float) GATE.sample(logAlpha[i], u[i]) : 0f;
        }
        model.gates().setGates(z);
    }

    @Override
    public void afterStep(long step, TrainingStep.Outcome outcome, StepContext context) {
        double[] u = GateNoise.uniforms(seed, cycle, step, logAlpha.length);
        boolean[] active = activeHeads();
        double expected = expectedOpen(active);
        boolean penalised = step >= config.warmupSteps();
        long stepsPenalised = step - config.warmupSteps();
        double weight =
                penalised ? penalty.weightPerGate(expected, stepsPenalised, logAlpha.length) : 0;
        float[] dLossDGate = outcome.gateGradient();
        double[] gradient = new double[logAlpha.length];
        for (int i = 0; i < gradient.length; i++) {
            // a masked or removed head's ∂L/∂g is 0 anyway; its logit does not move either
            lastLossGradient[i] =
                    active[i] ? dLossDGate[i] * GATE.sampleDerivative(logAlpha[i], u[i]) : 0;
            gradient[i] =
                    lastLossGradient[i] + weight * GATE.openProbabilityDerivative(logAlpha[i]);
        }
        adam.step(logAlpha, gradient, active, config.learningRate());
        if (penalised) {
            penalty.ascend(expected, stepsPenalised, logAlpha.length, config.learningRate());
        }
        stepsDone = step + 1;
        intervalLossSum += outcome.loss();
        intervalSteps++;
        if (stepsDone % config.updateFrequency() == 0) {
            check(context.optimizer());
        }
        setDeterministicGates();
    }

    /**
     * Makes the gates binary: the round(E[open]) heads with the highest logits stay, with gate 1
     * (at least the most open head of each layer), and the others are pruned.
     */
    @Override
    public void finish(StepContext context) {
        boolean[] active = activeHeads();
        double expected = expectedOpen(active);
        long keep = Math.round(expected);
        List<Integer> byOpenness = byLogit(active, Comparator.reverseOrder());
        boolean[] kept = new boolean[logAlpha.length];
        int keptCount = 0;
        for (int layer = 0; layer < layers; layer++) {
            for (int i : byOpenness) {
                if (i / heads == layer) {
                    kept[i] = true;
                    keptCount++;
                    break;
                }
            }
        }
        for (int i : byOpenness) {
            if (keptCount >= keep) {
                break;
            }
            if (!kept[i]) {
                kept[i] = true;
                keptCount++;
            }
        }
        List<HeadId> closed = new ArrayList<>();
        for (int i : byOpenness) {
            if (!kept[i]) {
                closed.add(head(i));
                decide(
                        i,
                        String.format(
                                Locale.ROOT,
                                "binarised: not among the %d most open heads (expected open %.2f)",
                                keptCount,
                                expected));
            }
        }
        prune(closed, context.optimizer());
        float[] binary = new float[logAlpha.length];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = kept[i] ? 1f : 0f;
        }
        model.gates().setGates(binary);
        report(expected);
    }

    /** The loss's part of ∂/∂log α at the last step (the penalty's left out): for tests. */
    public double[] lastLossGradient() {
        return lastLossGradient.clone();
    }

    /** The gate logits log α, row-major (L·H). */
    public double[] logAlpha() {
        return logAlpha.clone();
    }

    /** E[number of open gates] over the heads not pruned. */
    public double expectedOpen() {
        return expectedOpen(activeHeads());
    }

    /** λ₁ (the fixed penalty's λ is not state: it is the config's). */
    public double lambda() {
        return penalty.lambda1;
    }

    private void check(AdamW optimizer) {
        boolean[] active = activeHeads();
        int[] activeInLayer = new int[layers];
        for (int i = 0; i < logAlpha.length; i++) {
            if (active[i]) {
                activeInLayer[i / heads]++;
                checksBelow[i] =
                        GATE.deterministic(logAlpha[i]) < config.gateThreshold()
                                ? checksBelow[i] + 1
                                : 0;
            }
        }
        // a target's head count is a floor too: gates that overshoot it close, reversibly, until
        // λ opens them again, but a pruned head would be lost to the target for good
        int activeTotal = Arrays.stream(activeInLayer).sum();
        long floor =
                config.sparsity() instanceof LearnedGateConfig.TargetActive target
                        ? Math.round(target.fraction() * logAlpha.length)
                        : 1;
        List<HeadId> doomed = new ArrayList<>();
        for (int i : byLogit(active, Comparator.naturalOrder())) {
            if (checksBelow[i] >= config.patience()
                    && activeInLayer[i / heads] > 1
                    && activeTotal > floor) {
                activeInLayer[i / heads]--;
                activeTotal--;
                doomed.add(head(i));
                decide(
                        i,
                        String.format(
                                Locale.ROOT,
                                "deterministic gate %.4f < %s for %d checks",
                                GATE.deterministic(logAlpha[i]),
                                config.gateThreshold(),
                                checksBelow[i]));
            }
        }
        prune(doomed, optimizer);
        report(expectedOpen(activeHeads()));
    }

    private void prune(List<HeadId> doomed, AdamW optimizer) {
        if (doomed.isEmpty()) {
            return;
        }
        intervalPruned += doomed.size();
        List<HeadRemap> remaps = Pruner.prune(model, doomed, config.mode());
        if (!remaps.isEmpty()) {
            optimizer.remap(remaps);
        }
    }

    private void decide(int i, String reason) {
        events.accept(
                new RunEvent.ControllerDecision(
                        cycle,
                        firstStep + stepsDone,
                        NAME,
                        RunEvent.ControllerAction.PRUNED,
                        head(i),
                        Double.NaN,
                        Double.NaN,
                        GATE.openProbability(logAlpha[i]),
                        reason));
    }

    /** The snapshot and interval events of a check, after its pruning. */
    private void report(double expected) {
        boolean[] active = activeHeads();
        double[][] nan = new double[layers][heads];
        double[][] open = new double[layers][heads];
        double[][] state = new double[layers][heads];
        for (int i = 0; i < logAlpha.length; i++) {
            HeadId h = head(i);
            nan[h.layer()][h.head()] = Double.NaN;
            open[h.layer()][h.head()] = active[i] ? GATE.openProbability(logAlpha[i]) : 0;
            state[h.layer()][h.head()] = active[i] ? 1 : model.config().isPresent(h) ? 0 : -1;
        }
        long step = firstStep + stepsDone;
        events.accept(
                new RunEvent.ControllerSnapshot(
                        cycle,
                        step,
                        NAME,
                        new HeadGrid(nan),
                        new HeadGrid(nan),
                        new HeadGrid(open),
                        new HeadGrid(state)));
        events.accept(
                new RunEvent.ControllerInterval(
                        cycle,
                        step,
                        NAME,
                        intervalPruned,
                        0,
                        model.gates().numActive(),
                        logAlpha.length,
                        intervalSteps > 0 ? intervalLossSum / intervalSteps : Double.NaN,
                        Double.NaN,
                        stepsDone > config.warmupSteps()
                                ? penalty.weightPerGate(
                                        expected,
                                        stepsDone - 1 - config.warmupSteps(),
                                        logAlpha.length)
                                : 0,
                        expected));
        intervalLossSum = 0;
        intervalSteps = 0;
        intervalPruned = 0;
    }

    private void setDeterministicGates() {
        boolean[] active = activeHeads();
        float[] gates = new float[logAlpha.length];
        for (int i = 0; i < gates.length; i++) {
            gates[i] = active[i] ? (float) GATE.deterministic(logAlpha[i]) : 0f;
        }
        model.gates().setGates(gates);
    }

    private boolean[] activeHeads() {
        float[] masks = model.gates().maskValues();
        boolean[] active = new boolean[masks.length];
        for (int i = 0; i < masks.length; i++) {
            active[i] = masks[i] != 0f;
        }
        return active;
    }

    private double expectedOpen(boolean[] active) {
        double sum = 0;
        for (int i = 0; i < logAlpha.length; i++) {
            if (active[i]) {
                sum += GATE.openProbability(logAlpha[i]);
            }
        }
        return sum;
    }

    /** Active heads ordered by logit (ties by index, so the order is reproducible). */
    private List<Integer> byLogit(boolean[] active, Comparator<Double> order) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < active.length; i++) {
            if (active[i]) {
                indices.add(i);
            }
        }
        indices.sort(
                Comparator.comparing((Integer i) -> logAlpha[i], order)
                        .thenComparing(Comparator.naturalOrder()));
        return indices;
    }

    private HeadId head(int i) {
        return new HeadId(i / heads, i % heads);
    }

    private void requireGatesUntrained(AdamW optimizer) {
        if (optimizer.parameters().contains(model.gates().gate())) {
            throw new IllegalStateException(
                    "the learned-gate controller owns the head gates: the model's optimizer must not"
                            + " train them (trainGates false)");
        }
    }

    @Override
    public JsonObject saveState() {
        JsonObject o = new JsonObject();
        o.addProperty("layers", layers);
        o.addProperty("heads", heads);
        o.addProperty("steps", stepsDone);
        o.add("logAlpha", doubles(logAlpha));
        o.add("adamFirstMoment", doubles(adam.firstMoment));
        o.add("adamSecondMoment", doubles(adam.secondMoment));
        o.addProperty("adamSteps", adam.steps);
        o.addProperty("lambda1", penalty.lambda1);
        o.addProperty("lambda2", penalty.lambda2);
        JsonArray below = new JsonArray();
        Arrays.stream(checksBelow).forEach(below::add);
        o.add("checksBelow", below);
        o.addProperty("intervalLossSum", intervalLossSum);
        o.addProperty("intervalSteps", intervalSteps);
        o.addProperty("intervalPruned", intervalPruned);
        return o;
    }

    @Override
    public void restoreState(JsonObject state) {
        if (JsonFields.requireInt(state, "layers") != layers
                || JsonFields.requireInt(state, "heads") != heads) {
            throw new IllegalArgumentException(
                    "layers, heads: the state is for another model shape than "
                            + layers
                            + " × "
                            + heads);
        }
        long steps = nonNegative(JsonFields.requireLong(state, "steps"), "steps");
        double[] logits = readDoubles(state, "logAlpha");
        double[] first = readDoubles(state, "adamFirstMoment");
        double[] second = readDoubles(state, "adamSecondMoment");
        long adamSteps = nonNegative(JsonFields.requireLong(state, "adamSteps"), "adamSteps");
        double lambda1 = finite(JsonFields.asDouble(state.get("lambda1"), "lambda1"), "lambda1");
        double lambda2 = finite(JsonFields.asDouble(state.get("lambda2"), "lambda2"), "lambda2");
        JsonArray below = JsonFields.asArray(state.get("checksBelow"), "checksBelow");
        requireLength(below.size(), "checksBelow");
        int[] checks = new int[below.size()];
        for (int i = 0; i < checks.length; i++) {
            checks[i] =
                    (int) nonNegative(JsonFields.asInt(below.get(i), "checksBelow"), "checksBelow");
        }
        double lossSum =
                finite(
                        JsonFields.asDouble(state.get("intervalLossSum"), "intervalLossSum"),
                        "intervalLossSum");
        int intervalStepCount =
                (int) nonNegative(JsonFields.requireInt(state, "intervalSteps"), "intervalSteps");
        int pruned =
                (int) nonNegative(JsonFields.requireInt(state, "intervalPruned"), "intervalPruned");
        for (double v : second) {
            nonNegative(v, "adamSecondMoment");
        }
        stepsDone = steps;
        System.arraycopy(logits, 0, logAlpha, 0, logits.length);
        System.arraycopy(first, 0, adam.firstMoment, 0, first.length);
        System.arraycopy(second, 0, adam.secondMoment, 0, second.length);
        adam.steps = adamSteps;
        penalty.lambda1 = lambda1;
        penalty.lambda2 = lambda2;
        System.arraycopy(checks, 0, checksBelow, 0, checks.length);
        intervalLossSum = lossSum;
        intervalSteps = intervalStepCount;
        intervalPruned = pruned;
    }

    private static JsonArray doubles(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    private double[] readDoubles(JsonObject state, String key) {
        JsonArray a = JsonFields.asArray(state.get(key), key);
        requireLength(a.size(), key);
        double[] values = new double[a.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = finite(JsonFields.asDouble(a.get(i), key), key);
        }
        return values;
    }

    private void requireLength(int length, String key) {
        if (length != layers * heads) {
            throw new IllegalArgumentException(
                    key + " holds " + length + " values, expected " + layers * heads);
        }
    }

    private static double finite(double v, String key) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " is " + v + ", not a finite number");
        }
        return v;
    }

    private static double nonNegative(double v, String key) {
        if (!(v >= 0)) {
            throw new IllegalArgumentException(key + " is " + v + ", below 0");
        }
        return v;
    }

    private static long nonNegative(long v, String key) {
        if (v < 0) {
            throw new IllegalArgumentException(key + " is " + v + ", below 0");
        }
        return v;
    }
}
