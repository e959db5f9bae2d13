package ai.sentinel.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Family;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.HeadController;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.StepContext;
import ai.sentinel.train.StepHook;
import ai.sentinel.train.StepListener;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.Trainer;
import ai.sentinel.train.TrainingStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * What a controller costs a training run: a run of a preset's shape on random tokens with the
 * controller acting, the time spent inside the controller's hooks (its measurements, decisions and
 * gate updates) timed apart from the rest of each step. The overhead is the controller's time over
 * the rest: what the same run would have taken without it.
 */
public final class ControllerBenchmark {
    /**
     * @param controllerSeconds time inside the controller's before- and after-step hooks
     * @param trainingSeconds the run's steps without that time
     */
    public record Result(
            String controller,
            String shape,
            int batchSize,
            int seqLen,
            int steps,
            double controllerSeconds,
            double trainingSeconds) {
        public double overhead() {
            return controllerSeconds / trainingSeconds;
        }
    }

    private ControllerBenchmark() {}

    public static Result run(
            Family.Preset preset,
            int vocab,
            int batchSize,
            int seqLen,
            int steps,
            ControllerFactory factory,
            long seed)
            throws IOException {
        int[] tokens = new int[Math.max(64, 4 * batchSize) * (seqLen + 1)];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(vocab);
        }
        TextDataset data = TextDataset.split(tokens, seqLen, 0.25);
        Path scratch = Files.createTempDirectory("sentinel-controller-bench");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                CausalLm model = preset.initialize(vocab, null, null, null, manager, seed)) {
            TrainConfig config =
                    new TrainConfig(
                            steps,
                            batchSize,
                            LrSchedule.constant(1e-4f),
                            AdamWConfig.defaults(),
                            1f,
                            0,
                            1,
                            0,
                            seed,
                            false);
            HeadController controller = factory.create(model, data, 0, 0, e -> {}, seed);
            long[] inside = new long[1];
            long[] total = new long[1];
            StepListener clock =
                    new StepListener() {
                        @Override
                        public void onStep(ai.sentinel.train.StepStats s) {
                            total[0] = (long) (s.elapsedSeconds() * 1e9);
                        }
                    };
            try (Trainer trainer = new Trainer(model, data, config, clock)) {
                trainer.addHook(
                        new StepHook() {
                            @Override
                            public void beforeStep(long step, StepContext context) {
                                long t0 = System.nanoTime();
                                controller.beforeStep(step, context);
                                inside[0] += System.nanoTime() - t0;
                            }

                            @Override
                            public void afterStep(
                                    long step, TrainingStep.Outcome outcome, StepContext context) {
                                long t0 = System.nanoTime();
                                controller.afterStep(step, outcome, context);
                                inside[0] += System.nanoTime() - t0;
                            }
                        });
                trainer.run(scratch.resolve("checkpoint"), folder -> {});
            }
            return new Result(
                    controller.name(),
                    preset.name(),
                    batchSize,
                    seqLen,
                    steps,
                    inside[0] / 1e9,
                    (total[0] - inside[0]) / 1e9);
        } finally {
            AtomicFiles.deleteRecursively(scratch);
        }
    }
}
