package ai.sentinel.cli;

import ai.sentinel.model.CausalLm;
import ai.sentinel.model.UnetSkips;
import com.google.gson.JsonObject;
import picocli.CommandLine.Option;

/** U-Net skip connections between early and late blocks (docs/UNET.md). */
final class UnetOptions {
    @Option(
            names = "--unet",
            description =
                    "Add U-Net skips: each block of the second half also reads its mirror block's"
                            + " attention state through a learned fusion that starts at zero (the"
                            + " logits do not change until it trains). A model saved with skips keeps"
                            + " them without this flag.")
    boolean unet;

    @Option(
            names = "--unet-scale",
            defaultValue = "1.0",
            description = "Scale s of every skip's fusion. Default: ${DEFAULT-VALUE}.")
    float scale;

    @Option(
            names = "--unet-learn-scale",
            description = "Learn each skip's scale, starting at --unet-scale.")
    boolean learnScale;

    @Option(
            names = "--unet-source",
            defaultValue = "MIRROR",
            description =
                    "What a reading block fuses with its output: mirror (the U-Net skip) or self (its own"
                            + " attention state: the same parameters and compute without the long-range"
                            + " connection, a control for experiments). Default: mirror.")
    UnetSkips.Source source;

    @Option(
            names = "--unet-lr-multiplier",
            defaultValue = "5",
            description =
                    "The skip parameters train at the learning rate × this. Default: ${DEFAULT-VALUE}.")
    float lrMultiplier;

    /**
     * Attaches fresh skips when asked and the model has none, and gives the model's skips (new or
     * loaded) their rate multiplier; says what it did on stderr.
     */
    void apply(CausalLm model) {
        if (unet && model.unet().isEmpty()) {
            model.setUnet(
                    UnetSkips.create(model, new UnetSkips.Settings(scale, learnScale, source)));
        }
        model.unet()
                .ifPresent(
                        skips -> {
                            skips.setRateMultiplier(lrMultiplier);
                            System.err.printf(
                                    "U-Net skips: blocks %s read blocks %s; %,d weights, learning"
                                            + " rate ×%s%n",
                                    skips.readingBlocks(),
                                    skips.settings().source() == UnetSkips.Source.SELF
                                            ? "themselves (self control)"
                                            : skips.readingBlocks().stream()
                                                    .map(skips::mirror)
                                                    .toList(),
                                    skips.numParameters(),
                                    lrMultiplier);
                        });
    }

    /** Refuses skip_transfer growth, before any work, for a model without skips. */
    static void requireSkipsFor(ai.sentinel.plasticity.GrowthInit init, CausalLm model) {
        if (init == ai.sentinel.plasticity.GrowthInit.SKIP_TRANSFER && model.unet().isEmpty()) {
            throw new IllegalArgumentException(
                    "--growth-init skip_transfer needs a model with U-Net skips: add --unet (or use"
                            + " function_preserving, copy, revive or scaled)");
        }
    }

    void record(JsonObject json) {
        json.addProperty("unet", unet);
        json.addProperty("unet_scale", scale);
        json.addProperty("unet_learn_scale", learnScale);
        json.addProperty("unet_source", source.name().toLowerCase(java.util.Locale.ROOT));
        json.addProperty("unet_lr_multiplier", lrMultiplier);
    }
}
