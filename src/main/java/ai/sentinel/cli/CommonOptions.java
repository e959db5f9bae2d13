package ai.sentinel.cli;

import ai.sentinel.io.OutputFolder;
import ai.sentinel.plasticity.CycleConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options many commands share, each declared once. A command mixes in the ones it uses; where a
 * command needs a different default on purpose it builds the mixin with a named factory, and the
 * shared description says why.
 */
final class CommonOptions {
    private CommonOptions() {}

    /** {@code --seed}: everything random in a command follows it. */
    static final class Seed {
        @Option(
                names = "--seed",
                paramLabel = "N",
                description =
                        "Seeds preset weights, batch order, sampling and tie-breaking. Default: ${DEFAULT-VALUE}.")
        long seed = 42;
    }

    /** {@code --batch-size}. */
    static final class BatchSize {
        @Option(
                names = "--batch-size",
                paramLabel = "N",
                description =
                        "Blocks per batch. Default: ${DEFAULT-VALUE} (16 when training; 8 when only measuring or"
                                + " evaluating, which needs no large batch; benchmarks use the batch of the figures they"
                                + " reproduce).")
        int batchSize = 16;

        static BatchSize measuring() {
            return of(8);
        }

        static BatchSize of(int blocks) {
            BatchSize b = new BatchSize();
            b.batchSize = blocks;
            return b;
        }
    }

    /** {@code --lr}. */
    static final class LearningRate {
        @Option(
                names = "--lr",
                paramLabel = "RATE",
                description =
                        "Peak learning rate. Default: ${DEFAULT-VALUE} (3e-3 when training from scratch or in"
                                + " cycles; 1e-3 in the fine-tuning experiments, which start from a trained baseline).")
        float lr = 3e-3f;

        static LearningRate fineTuning() {
            LearningRate r = new LearningRate();
            r.lr = 1e-3f;
            return r;
        }
    }

    /**
     * {@code --lr-warmup-steps}: the learning rate's linear warm-up, not the gate warm-up of grown
     * heads.
     */
    static final class LrWarmup {
        @Option(
                names = {"--lr-warmup-steps", "--warmup-steps"},
                paramLabel = "N",
                description =
                        "Steps of linear learning-rate warm-up (capped at the phase's length; not the gate"
                                + " warm-up of grown heads). Default: ${DEFAULT-VALUE} (100; 20 in the fine-tuning"
                                + " experiments).")
        int warmupSteps = 100;

        static LrWarmup fineTuning() {
            LrWarmup w = new LrWarmup();
            w.warmupSteps = 20;
            return w;
        }
    }

    /** How a training phase runs: batch size, peak rate and its warm-up, evaluation batches. */
    static final class Training {
        @Mixin BatchSize batchSize = new BatchSize();
        @Mixin LearningRate learningRate = new LearningRate();
        @Mixin LrWarmup warmup = new LrWarmup();
        @Mixin EvalBatches evalBatches = new EvalBatches();

        /**
         * The defaults of the experiments that fine-tune a trained baseline (lower rate, shorter
         * warm-up).
         */
        static Training fineTuning() {
            Training t = new Training();
            t.learningRate = LearningRate.fineTuning();
            t.warmup = LrWarmup.fineTuning();
            return t;
        }

        CycleConfig.Training cycleTraining() {
            return cycleTraining(0);
        }

        CycleConfig.Training cycleTraining(int checkpointEvery) {
            return new CycleConfig.Training(
                    batchSize.batchSize,
                    learningRate.lr,
                    warmup.warmupSteps,
                    evalBatches.evalBatches,
                    checkpointEvery);
        }
    }

    /** {@code --start-gate}: the gate a grown head starts with. */
    static final class StartGate {
        @Option(
                names = "--start-gate",
                paramLabel = "G",
                description =
                        "Gate of a newly grown head, in [0, 1]. Default: ${DEFAULT-VALUE} (0.01 where a learning"
                                + " phase warms it up to 1; 1.0 for 'sentinel grow', which does no learning).")
        float startGate = 0.01f;

        static StartGate fullyOpen() {
            StartGate g = new StartGate();
            g.startGate = 1f;
            return g;
        }
    }

    /** {@code --seq-len}. */
    static final class SeqLen {
        @Option(
                names = "--seq-len",
                paramLabel = "N",
                description =
                        "Tokens per block (at most the model's positions). Default: ${DEFAULT-VALUE}.")
        int seqLen = 128;
    }

    /** {@code --checkpoint-every}. */
    static final class CheckpointEvery {
        @Option(
                names = "--checkpoint-every",
                paramLabel = "N",
                description =
                        "A resumable checkpoint every N optimizer steps; 0 = only at the end of each training"
                                + " phase. Default: ${DEFAULT-VALUE} (200 for 'sentinel train'; 0 in cycles, which also save"
                                + " their state between stages).")
        int checkpointEvery = 200;

        static CheckpointEvery atPhaseEnds() {
            CheckpointEvery c = new CheckpointEvery();
            c.checkpointEvery = 0;
            return c;
        }
    }

    /** {@code --eval-batches}. */
    static final class EvalBatches {
        @Option(
                names = "--eval-batches",
                paramLabel = "N",
                description =
                        "Validation batches per evaluation; 0 = the whole validation split. Default:"
                                + " ${DEFAULT-VALUE} (20 during runs; the whole split for 'sentinel eval').")
        int evalBatches = 20;

        static EvalBatches wholeSplit() {
            EvalBatches e = new EvalBatches();
            e.evalBatches = 0;
            return e;
        }

        /** The batch count to evaluate, {@link Integer#MAX_VALUE} for the whole split. */
        int batches() {
            if (evalBatches < 0) {
                throw new IllegalArgumentException(
                        "--eval-batches must be >= 0 (0 = all), got " + evalBatches);
            }
            return evalBatches == 0 ? Integer.MAX_VALUE : evalBatches;
        }
    }

    /** {@code --metric-batches}. */
    static final class MetricBatches {
        @Option(
                names = "--metric-batches",
                paramLabel = "N",
                description = "Validation batches per head measurement. Default: ${DEFAULT-VALUE}.")
        int metricBatches = 8;
    }

    /**
     * {@code -o/--out}: the folder a command writes into, checked (created, probed with a file) and
     * locked against a second run before any work is done. Commands without a default require it.
     */
    static final class Output {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(
                names = {"-o", "--out"},
                paramLabel = "DIR",
                description =
                        "Folder to write into (see the command's description); created if missing and checked"
                                + " before any work.")
        Path out;

        static Output defaultingTo(String folder) {
            Output o = new Output();
            o.out = Path.of(folder);
            return o;
        }

        /**
         * The output folder, created, known to accept files and held by this run until closed;
         * refused when it is, contains or lies inside the model folder read ({@code model}, null
         * for commands that read none).
         */
        OutputFolder.Held claim(ModelOptions model) throws IOException {
            if (out == null) {
                throw new ParameterException(
                        spec.commandLine(), "Missing required option: '--out=DIR'");
            }
            if (model != null) {
                model.requireApartFrom(out, "--out");
            }
            return OutputFolder.claim(out, "--out", spec.qualifiedName());
        }
    }
}
