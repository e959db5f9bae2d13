package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.io.OutputFolder;
import ai.sentinel.model.CausalLm;
import ai.sentinel.plasticity.ControllerFactory;
import ai.sentinel.plasticity.TrainingRun;
import ai.sentinel.plasticity.ValidationSamples;
import ai.sentinel.report.RunReport;
import ai.sentinel.tokenizer.HfTokenizer;
import ai.sentinel.tokenizer.Tokenizer;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.TrainResult;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Train a model from a preset or a model folder on a text dataset. Writes its run folder"
                        + " (--out, default runs/train): model/, checkpoint/, metrics.jsonl, run-config.json.",
        footer = {
            "",
            "Examples:",
            "  sentinel train -m nano --steps 300 --out runs/nano",
            "  sentinel train -m preset:distilgpt2 --tokenizer my-gpt2-tokenizer/ --dataset my.txt",
            "  sentinel train -m nano --steps 600 --out runs/nano --resume   (continue an interrupted run)"
        })
final class TrainCommand implements Callable<Integer> {
    /** Tokens sampled after the fixed prompt, before and after a run that changes heads. */
    private static final int SAMPLE_TOKENS = 40;

    @Mixin ModelOptions model;
    @Mixin DataOptions data;

    @Option(
            names = "--steps",
            defaultValue = "1000",
            description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Mixin CommonOptions.Training training;

    @Option(
            names = "--schedule",
            defaultValue = "COSINE",
            description =
                    "Decay after warm-up: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    LrSchedule.Decay schedule;

    @Option(
            names = "--min-lr-fraction",
            defaultValue = "0.1",
            description = "Final rate as a fraction of the peak. Default: ${DEFAULT-VALUE}.")
    float minLrFraction;

    @Option(
            names = "--weight-decay",
            defaultValue = "0.1",
            description =
                    "AdamW decoupled decay (not on biases, LayerNorm, gates). Default: ${DEFAULT-VALUE}.")
    float weightDecay;

    @Option(
            names = "--grad-clip",
            defaultValue = "1.0",
            description = "Maximum global gradient norm; 0 = off. Default: ${DEFAULT-VALUE}.")
    float gradClip;

    @Option(
            names = "--eval-every",
            defaultValue = "100",
            description = "Default: ${DEFAULT-VALUE} steps.")
    int evalEvery;

    @Mixin CommonOptions.CheckpointEvery checkpointEvery;

    @Option(
            names = "--train-gates",
            description = "Optimise the head gates too (off: gates stay as loaded).")
    boolean trainGates;

    @Mixin CommonOptions.Seed seedOption;
    @Mixin CommonOptions.Output output = CommonOptions.Output.defaultingTo("runs/train");

    @Option(
            names = "--resume",
            description = "Continue from <out>/checkpoint (run with the same options).")
    boolean resume;

    @Option(
            names = "--progressive",
            description =
                    "Progressive growth: start with --start-active of the heads and grow"
                            + " toward --target-active during training (growth events in <out>/events.jsonl).")
    boolean progressive;

    @Mixin ProgressiveOptions growth;

    @Mixin UnetOptions unet;

    @Mixin ControllerOptions controller;
    @Mixin ThresholdControllerOptions.Pruning pruning;

    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public Integer call() throws IOException {
        try (OutputFolder.Held held = output.claim(model)) {
            return train(held.folder());
        } finally {
            finished.countDown();
        }
    }

    private int train(Path out) throws IOException {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        long seed = seedOption.seed;
        int batchSize = training.batchSize.batchSize;
        int warmupSteps = Math.min(training.warmup.warmupSteps, steps);
        TrainConfig config =
                new TrainConfig(
                        steps,
                        batchSize,
                        new LrSchedule(
                                training.learningRate.lr,
                                warmupSteps,
                                steps,
                                schedule,
                                minLrFraction),
                        AdamWConfig.defaults().withWeightDecay(weightDecay),
                        gradClip,
                        evalEvery,
                        training.evalBatches.evalBatches,
                        checkpointEvery.checkpointEvery,
                        seed,
                        trainGates);
        if (progressive && controller.name().isPresent()) {
            throw new IllegalArgumentException(
                    "--progressive and --controller cannot run together yet; choose one");
        }
        if (trainGates && controller.name().isPresent()) {
            throw new IllegalArgumentException(
                    "--train-gates and --controller exclude each other: the controller sets the gates");
        }
        Optional<ControllerFactory> headController =
                controller.factory(
                        pruning.mode,
                        pruning.maxPrunedFraction,
                        growth.targetActive,
                        batchSize,
                        growth.warmup,
                        summary -> summary.lines().forEach(System.err::println));
        Optional<TrainingRun.Progressive> growthPlan =
                progressive
                        ? Optional.of(
                                new TrainingRun.Progressive(
                                        growth.settings(seed), growth.metricBatches.metricBatches))
                        : Optional.empty(); // settings are checked here, before any work
        if (resume && !TrainingRun.recoverCheckpoint(out)) {
            throw new IOException(
                    "--resume: no checkpoint in " + out.resolve(TrainingRun.CHECKPOINT));
        }
        Tokenizer tokenizer =
                resume ? HfTokenizer.load(TrainingRun.checkpointModel(out)) : model.loadTokenizer();
        try (NDManager manager = model.newManager();
                CausalLm lm =
                        resume
                                ? TrainingRun.loadCheckpointModel(out, manager)
                                : model.load(manager, tokenizer, seed)) {
            unet.apply(lm);
            if (progressive) {
                UnetOptions.requireSkipsFor(growth.settings(seed).init(), lm);
            }
            TextDataset dataset =
                    data.load(tokenizer, lm.config().vocabSize(), lm.config().maxPositions());
            JsonObject recorded = runConfig(lm, dataset);
            if (resume && Files.isRegularFile(out.resolve(TrainingRun.CONFIG))) {
                RecordedOptions.requireSame(
                        out,
                        TrainingRun.CONFIG,
                        Json.readObject(out.resolve(TrainingRun.CONFIG)),
                        Json.parseObject(Json.pretty(recorded), "options"),
                        RESUME_MAY_DIFFER);
            }
            Json.write(out.resolve(TrainingRun.CONFIG), recorded);
            System.err.printf(
                    "Training %d layers × %d heads%s, %,d weights, on %,d training tokens (%s)%n",
                    lm.config().numLayers(),
                    lm.config().numHeads(),
                    KvGroups.suffix(lm.config()),
                    lm.numParameters(),
                    dataset.train().numTokens(),
                    data.describe());
            try (TrainingRun run =
                    new TrainingRun(
                            out,
                            lm,
                            dataset,
                            config,
                            new TrainingRun.HeadChanges(
                                    growthPlan,
                                    headController,
                                    ValidationSamples.continuingValidation(
                                            tokenizer, dataset, SAMPLE_TOKENS, seed)),
                            resume,
                            new ProgressBar("train"))) {
                if (progressive && !resume) {
                    System.err.printf(
                            "Progressive growth: %d of %d heads active at step 0%n",
                            lm.gates().numActive(),
                            lm.config().numLayers() * lm.config().numHeads());
                }
                if (resume) {
                    System.err.printf("Resuming at step %d of %d%n", run.resume(), steps);
                }
                TrainResult result = runStoppingOnInterrupt(run, tokenizer);
                if (result.stoppedEarly()) {
                    System.err.printf(
                            "Stopped at step %d; resume with the same command and --resume%n",
                            result.steps());
                    return 130;
                }
                Path modelFolder = out.resolve(TrainingRun.MODEL);
                ModelOutput.save(lm, tokenizer, modelFolder);
                System.out.printf(
                        "steps %d  train loss %.4f  validation loss %.4f  perplexity %.2f  %.0f tokens/s"
                                + "  active heads %d%n",
                        result.steps(),
                        result.lastLoss(),
                        result.validation().loss(),
                        result.validation().perplexity(),
                        result.tokensPerSecond(),
                        lm.gates().numActive());
                System.out.println("model saved to " + modelFolder);
                if (headController.isPresent()) {
                    System.out.println(run.summary(result.validation().perplexity()).describe());
                }
                if (progressive || headController.isPresent()) {
                    System.out.println("report: " + RunReport.write(out));
                }
            }
        }
        return 0;
    }

    /**
     * Ctrl-C asks the loop to stop after the current step, which then writes a resumable
     * checkpoint; the JVM waits until this command has finished and said so.
     */
    private TrainResult runStoppingOnInterrupt(TrainingRun run, Tokenizer tokenizer)
            throws IOException {
        Thread hook =
                new Thread(
                        () -> {
                            run.requestStop();
                            try {
                                finished.await(120, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.run(tokenizer::save);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of the interrupt: the hook waits for `finished`
            }
        }
    }

    /**
     * What a {@code --resume} may change: more {@code --steps} extend the run (and the warm-up
     * capped by them); the rest are facts measured from the model and data, not options.
     */
    private static final Set<String> RESUME_MAY_DIFFER =
            Set.of(
                    "resume",
                    "steps",
                    "warmup_steps",
                    "parameters",
                    "num_layers",
                    "num_heads",
                    "train_tokens",
                    "validation_tokens");

    private JsonObject runConfig(CausalLm lm, TextDataset dataset) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("command", "train");
        json.addProperty("model", model.model);
        json.addProperty("random_weights", model.isPreset());
        json.addProperty("tokenizer", model.tokenizer == null ? "default" : model.tokenizer);
        json.addProperty("dataset", data.describe());
        json.addProperty("train_tokens", dataset.train().numTokens());
        json.addProperty("validation_tokens", dataset.validation().numTokens());
        json.addProperty("seq_len", data.seqLen.seqLen);
        json.addProperty("validation_fraction", data.validationFraction);
        json.addProperty("steps", steps);
        json.addProperty("batch_size", training.batchSize.batchSize);
        json.addProperty("lr", training.learningRate.lr);
        json.addProperty("warmup_steps", Math.min(training.warmup.warmupSteps, steps));
        json.addProperty("schedule", schedule.name());
        json.addProperty("min_lr_fraction", minLrFraction);
        json.addProperty("weight_decay", weightDecay);
        json.addProperty("grad_clip", gradClip);
        json.addProperty("eval_every", evalEvery);
        json.addProperty("eval_batches", training.evalBatches.evalBatches);
        json.addProperty("checkpoint_every", checkpointEvery.checkpointEvery);
        json.addProperty("train_gates", trainGates);
        json.addProperty("seed", seedOption.seed);
        json.addProperty("resume", resume);
        json.addProperty("parameters", lm.numParameters());
        json.addProperty("progressive", progressive);
        json.addProperty("num_layers", lm.config().numLayers());
        json.addProperty("num_heads", lm.config().numHeads());
        unet.record(json);
        controller.record(json);
        if (progressive) {
            json.add("progressive_growth", Json.toJsonTree(growth.settings(seedOption.seed)));
        }
        return json;
    }
}
