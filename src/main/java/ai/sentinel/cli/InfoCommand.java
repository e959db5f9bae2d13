package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelConfig;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Layers, heads (present, active), parameters and size of a model or preset.",
        footer = {
            "",
            "Examples:",
            "  sentinel info -m runs/nano/model",
            "  sentinel info -m preset:distilgpt2 --tokenizer" + " my-gpt2-tokenizer/"
        })
final class InfoCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Mixin CommonOptions.Seed seedOption;

    @Override
    public Integer call() throws IOException {
        Tokenizer tokenizer = model.loadTokenizer();
        try (NDManager manager = model.newManager();
                CausalLm lm = model.load(manager, tokenizer, seedOption.seed)) {
            ModelConfig c = lm.config();
            int present = 0;
            for (int layer = 0; layer < c.numLayers(); layer++) {
                present += c.numHeadsPresent(layer);
            }
            long params = lm.numParameters();
            System.out.printf("model        %s%n", model.model);
            System.out.printf("layers       %d%n", c.numLayers());
            System.out.printf(
                    "heads        %d per layer%s, %d in all; %d present, %d active%n",
                    c.numHeads(),
                    KvGroups.suffix(c),
                    c.numLayers() * c.numHeads(),
                    present,
                    lm.gates().numActive());
            System.out.printf("width        %d (head dim %d)%n", c.width(), c.headDim());
            System.out.printf("vocabulary   %d%n", c.vocabSize());
            System.out.printf("positions    %d%n", c.maxPositions());
            System.out.printf("parameters   %,d (%.1f MB as float32)%n", params, params * 4 / 1e6);
            lm.unet()
                    .ifPresent(
                            skips ->
                                    System.out.printf(
                                            "U-Net skips  blocks %s read blocks %s; %,d of the"
                                                    + " parameters; scale %s (%s)%n",
                                            skips.readingBlocks(),
                                            skips.settings().source()
                                                            == ai.sentinel.model.UnetSkips.Source
                                                                    .SELF
                                                    ? "themselves (self control)"
                                                    : skips.readingBlocks().stream()
                                                            .map(skips::mirror)
                                                            .toList(),
                                            skips.numParameters(),
                                            skips.settings().scale(),
                                            skips.settings().learnScale()
                                                    ? "learned, starting value"
                                                    : "fixed"));
            System.out.println(
                    "head map     # active, . masked, (space) removed; gate value shown when not 1");
            for (int layer = 0; layer < c.numLayers(); layer++) {
                System.out.printf("  layer %2d   %s%n", layer, headMap(lm, layer));
            }
        }
        return 0;
    }

    private static String headMap(CausalLm lm, int layer) {
        StringBuilder map = new StringBuilder();
        StringBuilder gates = new StringBuilder();
        for (int h = 0; h < lm.config().numHeads(); h++) {
            HeadId head = new HeadId(layer, h);
            boolean isPresent = lm.config().isPresent(head);
            map.append(!isPresent ? ' ' : lm.gates().isMasked(head) ? '.' : '#');
            float gate = lm.gates().gateValue(head);
            if (isPresent && gate != 1f) {
                gates.append(String.format(" h%d=%.3f", h, gate));
            }
        }
        return map + gates.toString();
    }
}
