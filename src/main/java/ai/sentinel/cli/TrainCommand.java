package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.io.Json;
import ai.sentinel.io.JsonlWriter;
import ai.sentinel.metrics.HeadMeter;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.plasticity.ProgressiveGrowth;
import ai.sentinel.tokenizer.HfTokenizer;
import ai.sentinel.tokenizer.Tokenizer;
import ai.sentinel.train.AdamWConfig;
import ai.sentinel.train.Checkpoint;
import ai.sentinel.train.CompositeListener;
import ai.sentinel.train.LrSchedule;
import ai.sentinel.train.MetricsLog;
import ai.sentinel.train.TrainConfig;
import ai.sentinel.train.TrainResult;
import ai.sentinel.train.Trainer;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a model from a preset or a model folder on a text dataset; saves a model folder.",
        footer = {"", "Examples:",
            "  sentinel train -m nano --steps 300 --out runs/nano",
            "  sentinel train -m distilgpt2 --tokenizer my-gpt2-tokenizer/ --dataset my.txt",
            "  sentinel train -m nano --steps 600 --out runs/nano --resume   (continue an interrupted run)"})
final class TrainCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;

    @Option(names = "--steps", defaultValue = "1000", description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--batch-size", defaultValue = "16", description = "Blocks per step. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--warmup-steps", defaultValue = "100", description = "Linear warm-up. Default: ${DEFAULT-VALUE}.")
    int warmupSteps;

    @Option(names = "--schedule", defaultValue = "COSINE",
            description = "Decay after warm-up: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    LrSchedule.Decay schedule;

    @Option(names = "--min-lr-fraction", defaultValue = "0.1",
            description = "Final rate as a fraction of the peak. Default: ${DEFAULT-VALUE}.")
    float minLrFraction;

    @Option(names = "--weight-decay", defaultValue = "0.1",
            description = "AdamW decoupled decay (not on biases, LayerNorm, gates). Default: ${DEFAULT-VALUE}.")
    float weightDecay;

    @Option(names = "--grad-clip", defaultValue = "1.0",
            description = "Maximum global gradient norm; 0 = off. Default: ${DEFAULT-VALUE}.")
    float gradClip;

    @Option(names = "--eval-every", defaultValue = "100", description = "Default: ${DEFAULT-VALUE} steps.")
    int evalEvery;

    @Option(names = "--eval-batches", defaultValue = "20",
            description = "Validation batches per evaluation. Default: ${DEFAULT-VALUE}.")
    int evalBatches;

    @Option(names = "--checkpoint-every", defaultValue = "200", description = "Default: ${DEFAULT-VALUE} steps.")
    int checkpointEvery;

    @Option(names = "--train-gates", description = "Optimise the head gates too (off: gates stay as loaded).")
    boolean trainGates;

    @Option(names = "--seed", defaultValue = "42", description = "Seeds weights and batch order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-o", "--out"}, defaultValue = "runs/train",
            description = "Run folder: model/, checkpoint/, metrics.jsonl, run-config.json. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--resume", description = "Continue from <out>/checkpoint (run with the same options).")
    boolean resume;

    @Option(names = "--progressive", description = "Progressive growth: start with --start-active of the heads and grow"
            + " toward --target-active during training (growth events in <out>/events.jsonl).")
    boolean progressive;

    @Mixin ProgressiveOptions growth;

    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public Integer call() throws IOException {
        try {
            return train();
        } finally {
            finished.countDown();
        }
    }

    private int train() throws IOException {
        TrainConfig config = new TrainConfig(steps, batchSize,
                new LrSchedule(lr, warmupSteps, steps, schedule, minLrFraction),
                new AdamWConfig(0.9f, 0.95f, 1e-8f, weightDecay), gradClip, evalEvery, evalBatches, checkpointEvery,
                seed, trainGates);
        Path checkpoint = out.resolve("checkpoint");
        ProgressiveGrowth.Settings growthSettings = progressive ? growth.settings(seed) : null; // checked early
        if (resume && progressive) {
            throw new IllegalArgumentException("--resume does not continue a --progressive run yet (the growth"
                    + " schedule's state is not checkpointed); start it again without --resume");
        }
        if (resume && !Checkpoint.recover(checkpoint)) {
            throw new IOException("--resume: no checkpoint in " + checkpoint);
        }
        Tokenizer tokenizer = resume ? HfTokenizer.load(checkpoint.resolve(Checkpoint.MODEL_FOLDER))
                : model.loadTokenizer();
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm lm = resume ? ModelFiles.load(checkpoint.resolve(Checkpoint.MODEL_FOLDER), manager)
                        : model.load(manager, tokenizer, seed)) {
            TextDataset dataset = data.load(tokenizer, lm.config().vocabSize(), lm.config().maxPositions());
            Files.createDirectories(out);
            Json.write(out.resolve("run-config.json"), runConfig(lm, dataset));
            System.err.printf("Training %d layers × %d heads, %,d weights, on %,d training tokens (%s)%n",
                    lm.config().numLayers(), lm.config().numHeads(), lm.numParameters(),
                    dataset.train().numTokens(), data.describe());
            try (MetricsLog metrics = new MetricsLog(out.resolve("metrics.jsonl"), 10);
                    JsonlWriter events = progressive ? new JsonlWriter(out.resolve("events.jsonl"), false) : null;
                    Trainer trainer = new Trainer(lm, dataset, config,
                            CompositeListener.of(new ProgressBar("train"), metrics))) {
                if (progressive) {
                    trainer.addHook(ProgressiveGrowth.start(lm, new HeadMeter(dataset.validation(), batchSize,
                            growth.metricBatches), growthSettings, steps, events::write));
                    System.err.printf("Progressive growth: %d of %d heads active at step 0%n", lm.gates().numActive(),
                            lm.config().numLayers() * lm.config().numHeads());
                }
                if (resume) {
                    trainer.resumeFrom(checkpoint);
                    // equal: killed after the last checkpoint but before model/ was saved; the run finishes
                    if (trainer.state().step() > steps) {
                        throw new IllegalArgumentException("the checkpoint in " + checkpoint + " is already at step "
                                + trainer.state().step() + "; --steps " + steps + " leaves nothing to do (raise --steps)");
                    }
                    System.err.printf("Resuming at step %d of %d%n", trainer.state().step(), steps);
                }
                TrainResult result = runStoppingOnInterrupt(trainer, checkpoint, tokenizer);
                if (result.stoppedEarly()) {
                    System.err.printf("Stopped at step %d; resume with the same command and --resume%n",
                            result.steps());
                    return 130;
                }
                Path modelFolder = out.resolve("model");
                ModelFiles.save(lm, modelFolder);
                tokenizer.save(modelFolder);
                System.out.printf("steps %d  train loss %.4f  validation loss %.4f  perplexity %.2f  %.0f tokens/s"
                        + "  active heads %d%n", result.steps(), result.lastLoss(), result.validation().loss(),
                        result.validation().perplexity(), result.tokensPerSecond(), lm.gates().numActive());
                System.out.println("model saved to " + modelFolder);
            }
        }
        return 0;
    }

    /**
     * Ctrl-C asks the loop to stop after the current step, which then writes a resumable checkpoint; the JVM waits
     * until this command has finished and said so.
     */
    private TrainResult runStoppingOnInterrupt(Trainer trainer, Path checkpoint, Tokenizer tokenizer)
            throws IOException {
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return trainer.run(checkpoint, tokenizer::save);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of the interrupt: the hook waits for `finished`
            }
        }
    }

    private JsonObject runConfig(CausalLm lm, TextDataset dataset) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("command", "train");
        json.addProperty("model", model.model);
        json.addProperty("tokenizer", model.tokenizer == null ? "default" : model.tokenizer);
        json.addProperty("dataset", data.describe());
        json.addProperty("train_tokens", dataset.train().numTokens());
        json.addProperty("validation_tokens", dataset.validation().numTokens());
        json.addProperty("seq_len", data.seqLen);
        json.addProperty("validation_fraction", data.validationFraction);
        json.addProperty("steps", steps);
        json.addProperty("batch_size", batchSize);
        json.addProperty("lr", lr);
        json.addProperty("warmup_steps", warmupSteps);
        json.addProperty("schedule", schedule.name());
        json.addProperty("min_lr_fraction", minLrFraction);
        json.addProperty("weight_decay", weightDecay);
        json.addProperty("grad_clip", gradClip);
        json.addProperty("eval_every", evalEvery);
        json.addProperty("eval_batches", evalBatches);
        json.addProperty("checkpoint_every", checkpointEvery);
        json.addProperty("train_gates", trainGates);
        json.addProperty("seed", seed);
        json.addProperty("resume", resume);
        json.addProperty("parameters", lm.numParameters());
        json.addProperty("progressive", progressive);
        if (progressive) {
            json.add("progressive_growth", Json.toJsonTree(growth.settings(seed)));
        }
        return json;
    }
}
