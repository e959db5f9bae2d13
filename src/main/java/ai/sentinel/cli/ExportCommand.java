package ai.sentinel.cli;

import ai.djl.ndarray.NDManager;
import ai.sentinel.eval.Evaluator;
import ai.sentinel.io.OutputFolder;
import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.MaskedHeads;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.CompactExport;
import ai.sentinel.model.MaskedExport;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.model.NonUniformHeadsException;
import ai.sentinel.plasticity.PruningMethod;
import ai.sentinel.plasticity.UniformShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Write a model for others: hf-masked (the family's original shapes; masked heads' output"
                        + " slices zero and every gate folded into its head's output slice, so the plain"
                        + " Hugging Face class computes exactly what Sentinel computes, in transformers v4 and v5,"
                        + " with no sidecar), hf-compact (pruned heads removed and a standard config with the"
                        + " smaller head counts: Llama-family models whose layers and groups keep equal numbers of"
                        + " heads; GPT-2 through pruned_heads, transformers v4 only; not OPT, whose config cannot"
                        + " hold fewer heads; --equalize first prunes a model whose layers differ to a uniform shape)"
                        + " or sentinel (the full Sentinel state: gates, masks, removed heads)."
                        + " With the tokenizer files and a README.md model card; perplexity before and after is"
                        + " measured on --dataset.",
        footer = {
            "",
            "Example:",
            "  sentinel export -m runs/cycle/models/cycle3-final --format hf-masked -o exports/masked"
        })
final class ExportCommand implements Callable<Integer> {
    enum Format {
        HF_MASKED,
        HF_COMPACT,
        SENTINEL;

        static Format of(String name) {
            for (Format f : values()) {
                if (f.key().equals(name.toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw new IllegalArgumentException(
                    "--format "
                            + name
                            + " is not a format; accepted: hf-masked, hf-compact, sentinel");
        }

        String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @Mixin ModelOptions model;
    @Mixin DataOptions data;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "hf-masked",
            description = "hf-masked, hf-compact or sentinel. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "DIR",
            required = true,
            description = "Folder to write the export into (empty or missing, unless --force).")
    Path out;

    @Option(
            names = "--drop-unet",
            description =
                    "Export a model with U-Net skips to a Hugging Face format without them (a plain"
                            + " class cannot represent them); the perplexity change is measured and"
                            + " reported.")
    boolean dropUnet;

    @Option(names = "--force", description = "Write into a folder that already holds files.")
    boolean force;

    @Option(
            names = "--equalize",
            description =
                    "With --format hf-compact: first mask the least important active heads (lowest"
                            + " importance E|dL/dg|, measured on --dataset) down to the largest shape every layer"
                            + " can keep, the same number of key/value groups per layer and of query heads per"
                            + " group; the perplexity before and after is printed and put in the model card.")
    boolean equalize;

    @Mixin CommonOptions.EvalBatches evalBatches;
    @Mixin CommonOptions.MetricBatches metricBatches;
    @Mixin CommonOptions.BatchSize batchSize = CommonOptions.BatchSize.measuring();

    /** What --equalize did: the shape reached and the perplexity it cost. */
    private record Equalized(UniformShape shape, double before, double after) {
        String summary() {
            return String.format(
                    Locale.ROOT,
                    "%d more heads masked (lowest importance, the mean absolute gate gradient, first) to"
                            + " %d key/value group(s) × %d query head(s) in every layer; validation perplexity"
                            + " %.4f before, %.4f after",
                    shape.toMask().size(),
                    shape.groups(),
                    shape.headsPerGroup(),
                    before,
                    after);
        }
    }

    @Override
    public Integer call() throws IOException {
        Format chosen = Format.of(format);
        if (equalize && chosen != Format.HF_COMPACT) {
            throw new IllegalArgumentException("--equalize applies to --format hf-compact only");
        }
        model.requireApartFrom(out, "--out");
        try (OutputFolder.Held held = OutputFolder.claim(out, "--out", "sentinel export")) {
            if (!force && OutputFolder.holdsFiles(out)) {
                throw new IllegalArgumentException(
                        "--out " + out + " already holds files; add --force to write into it");
            }
            return export(chosen, held.folder());
        }
    }

    /** Loads, measures and writes the export into {@code folder}, which this run holds. */
    private int export(Format chosen, Path folder) throws IOException {
        try (Workbench bench = new Workbench(model, data, 0)) {
            CausalLm lm = bench.model;
            Evaluator evaluator =
                    new Evaluator(
                            bench.dataset.validation(),
                            batchSize.batchSize,
                            evalBatches.evalBatches);
            double loaded = evaluator.evaluate(lm).perplexity();
            String unetNote = chosen == Format.SENTINEL ? null : dropUnet(lm, evaluator, loaded);
            Optional<Equalized> equalized =
                    equalize ? Optional.of(equalize(bench, evaluator)) : Optional.empty();
            equalized.ifPresent(e -> System.out.println("equalized: " + e.summary()));
            // what Sentinel computes as exported (equalized, if asked); U-Net skips, when dropped,
            // are left out only after this and their cost is reported apart
            double before = equalized.map(Equalized::after).orElse(loaded);
            int total = lm.config().numLayers() * lm.config().numHeads();
            int active = lm.gates().numActive();
            int removed = 0;
            for (int l = 0; l < lm.config().numLayers(); l++) {
                removed += lm.config().numHeads() - lm.config().headsPresent(l).length;
            }
            int partlyOpen = lm.gates().partiallyOpen().size();
            long parametersBefore = lm.numParameters();
            switch (chosen) {
                case HF_MASKED -> {
                    MaskedExport.fold(lm);
                    MaskedExport.write(lm, folder);
                }
                case HF_COMPACT -> System.err.println("note: " + compact(lm, folder));
                case SENTINEL -> ModelFiles.save(lm, folder);
            }
            bench.tokenizer.save(folder);
            double after;
            long parametersAfter;
            try (NDManager m = model.newManager();
                    CausalLm reloaded = ModelFiles.load(folder, m)) {
                after = evaluator.evaluate(reloaded).perplexity();
                parametersAfter = reloaded.numParameters();
            }
            Files.writeString(
                    folder.resolve("README.md"),
                    card(
                            chosen,
                            lm,
                            total,
                            active,
                            removed,
                            partlyOpen,
                            parametersBefore,
                            parametersAfter,
                            before,
                            after,
                            equalized));
            if (unetNote != null) {
                System.out.println(unetNote);
                Files.writeString(
                        folder.resolve("README.md"),
                        "\n" + unetNote + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }
            System.out.printf(
                    "exported %s (%s): %d of %d heads active, %,d parameters; validation perplexity"
                            + " %.4f in Sentinel, %.4f reloaded from the export%n",
                    folder, chosen.key(), active, total, parametersAfter, before, after);
        }
        return 0;
    }

    /**
     * Masks heads down to the largest uniform shape; the model's perplexity after. Ranked by
     * importance E|∂L/∂g| (Michel et al. 2019) rather than the default entropy: it is a first-order
     * estimate of the loss a head's removal costs, which is what equalizing must keep small, while
     * entropy describes how a head attends, not what losing it costs.
     */
    private Equalized equalize(Workbench bench, Evaluator evaluator) {
        double before = evaluator.evaluate(bench.model).perplexity();
        HeadMeasurements measured =
                bench.meter(batchSize.batchSize, metricBatches.metricBatches)
                        .measure(bench.model, MaskedHeads.AS_IS, new ProgressBar("importance"));
        UniformShape shape =
                UniformShape.of(
                        bench.model, PruningMethod.IMPORTANCE.create(0, 0, 0).priorities(measured));
        shape.apply(bench.model);
        return new Equalized(shape, before, evaluator.evaluate(bench.model).perplexity());
    }

    /** Writes the compact export; a shape it cannot hold is refused with the ways out. */
    private static String compact(CausalLm lm, Path folder) throws IOException {
        try {
            return CompactExport.write(lm, folder);
        } catch (NonUniformHeadsException e) {
            throw new IllegalArgumentException(
                    e.getMessage()
                            + "; add --equalize to prune every layer further to the largest shape all"
                            + " layers allow (its perplexity cost is measured), or use --format hf-masked");
        }
    }

    /**
     * Detaches the model's U-Net skips for a Hugging Face export when --drop-unet allows it, and
     * says what that cost; refuses otherwise. Null when the model has none.
     */
    private String dropUnet(CausalLm lm, Evaluator evaluator, double withSkips) {
        if (lm.unet().isEmpty()) {
            return null;
        }
        long weights = lm.unet().get().numParameters();
        if (!dropUnet) {
            throw new IllegalArgumentException(
                    model.model
                            + " has U-Net skips ("
                            + String.format("%,d", weights)
                            + " weights), which a plain Hugging Face class cannot represent; export"
                            + " --format sentinel to keep them, or add --drop-unet to leave them out"
                            + " (the perplexity change is measured)");
        }
        lm.setUnet(null);
        double without = evaluator.evaluate(lm).perplexity();
        return String.format(
                "U-Net skips dropped (%,d weights): validation perplexity %.4f with them, %.4f"
                        + " without (%+.2f%%)",
                weights, withSkips, without, 100 * (without / withSkips - 1));
    }

    private String card(
            Format chosen,
            CausalLm lm,
            int total,
            int active,
            int removed,
            int partlyOpen,
            long parametersBefore,
            long parametersAfter,
            double before,
            double after,
            Optional<Equalized> equalized) {
        String load =
                chosen != Format.SENTINEL
                        ? "```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n"
                                + "model = AutoModelForCausalLM.from_pretrained(\"PATH\")\n"
                                + "tokenizer = AutoTokenizer.from_pretrained(\"PATH\")\n```\n\n"
                                + (chosen == Format.HF_MASKED
                                        ? "The plain class computes what Sentinel computed: pruned heads' output"
                                                + " slices are zero and each head's gate is folded into its output slice."
                                                + " It has no gates of its own, so Sentinel reloads this folder with every"
                                                + " gate 1 and every head active.\n"
                                        : "The pruned heads are gone from the weights and the config says the"
                                                + " smaller head counts; each kept head's gate is folded into its output"
                                                + " slice, so the plain class computes what Sentinel computed.\n")
                        : "`sentinel ... -m PATH` reloads gates, masks and removed heads"
                                + " (`sentinel_heads.safetensors`, and `pruned_heads` or `sentinel_pruned_heads` in"
                                + " `config.json`). A plain Hugging Face loader ignores the gates, so it computes"
                                + " the ungated model"
                                + (removed > 0
                                        ? "; with heads removed it may not load this folder at all"
                                        : "")
                                + ".\n";
        return "# "
                + out.getFileName()
                + "\n\nExported by Sentinel (`sentinel export --format "
                + chosen.key()
                + "`) from `"
                + model.model
                + "`.\n\n"
                + "| | |\n|---|---|\n"
                + "| heads | "
                + active
                + " of "
                + total
                + " active ("
                + (total - active)
                + " pruned, "
                + removed
                + " of them removed; "
                + partlyOpen
                + " with a gate between 0 and 1) |\n"
                + "| parameters | "
                + String.format(
                        Locale.ROOT,
                        "%,d in Sentinel, %,d in the export",
                        parametersBefore,
                        parametersAfter)
                + " |\n"
                + "| validation perplexity | "
                + String.format(
                        Locale.ROOT,
                        "%.4f in Sentinel, %.4f reloaded from this folder",
                        before,
                        after)
                + " (on "
                + data.dataset
                + ", "
                + evalBatches.evalBatches
                + " batches of "
                + batchSize.batchSize
                + ") |\n"
                + equalized
                        .map(e -> "| equalized before export | " + e.summary() + " |\n")
                        .orElse("")
                + "\n## How to load\n\n"
                + load;
    }
}
