package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.data.TextDataset;
import ai.sentinel.eval.EvalResult;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.model.CausalLm;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Token-weighted cross-entropy and perplexity of a model on the validation split of a dataset.",
        footer = {"", "Example:", "  sentinel eval -m runs/nano/model --dataset tiny_shakespeare"})
final class EvalCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;

    @Mixin CommonOptions.BatchSize batchSize = CommonOptions.BatchSize.measuring();
    @Mixin CommonOptions.EvalBatches evalBatches = CommonOptions.EvalBatches.wholeSplit();
    @Mixin CommonOptions.Seed seed;

    @Override
    public Integer call() throws IOException {
        Tokenizer tokenizer = model.loadTokenizer();
        try (NDManager manager = model.newManager();
                CausalLm lm = model.load(manager, tokenizer, seed.seed)) {
            TextDataset dataset =
                    data.load(tokenizer, lm.config().vocabSize(), lm.config().maxPositions());
            EvalResult result =
                    new Evaluator(dataset.validation(), batchSize.batchSize, evalBatches.batches())
                            .evaluate(lm, new ProgressBar("eval"));
            System.out.printf(
                    "validation loss %.4f  perplexity %.3f  over %,d tokens%n",
                    result.loss(), result.perplexity(), result.tokens());
        }
        return 0;
    }
}
