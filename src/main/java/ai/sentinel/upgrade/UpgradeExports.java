package ai.sentinel.upgrade;

import ai.sentinel.model.CausalLm;
import ai.sentinel.model.CompactExport;
import ai.sentinel.model.Families;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.MaskedExport;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The upgraded model in the forms people load: {@code model/} (Sentinel's full state: gates, masks,
 * skips), {@code hf_model/} (the {@code hf-masked} export: original shapes, masked heads' output
 * slices zero, gates folded in, for {@code from_pretrained} in transformers v4 and v5) and, when
 * every layer keeps the same number of heads, {@code hf_compact/} (physically smaller); each with
 * the tokenizer files and a model card.
 */
public final class UpgradeExports {
    private UpgradeExports() {}

    /**
     * Writes the exports; returns notes on what could not be written and why. The exports are made
     * from {@code model} itself, which is left as {@code hf_compact/} holds it (gates folded,
     * dropped heads removed): load {@code model/} to go on with the upgraded model.
     */
    public static List<String> write(
            CausalLm model, Tokenizer tokenizer, Path out, String baseModel, Upgrade.Result result)
            throws IOException {
        List<String> notes = new ArrayList<>();
        Path sentinel = out.resolve("model");
        ModelFiles.save(model, sentinel);
        tokenizer.save(sentinel);
        if (model.unet().isPresent()) {
            notes.add(
                    "the model has U-Net skips, which a plain Hugging Face class cannot represent: no"
                            + " hf_model/ or hf_compact/ was written; model/ keeps them (export it with"
                            + " sentinel export --drop-unet to measure what dropping them costs)");
            return notes;
        }
        // Both exports rewrite the live model instead of a reloaded copy, which would need the
        // weights' memory a second time (3.4x the F32 weights at 1.1B). The heads hf_compact/
        // drops are noted first, since the fold turns masks into zero output slices.
        List<HeadId> dropped = CompactExport.droppedHeads(model);
        MaskedExport.fold(model);
        MaskedExport.write(model, out.resolve("hf_model"));
        tokenizer.save(out.resolve("hf_model"));
        card(out.resolve("hf_model"), "hf-masked", baseModel, model, result, List.of());
        try {
            String note = CompactExport.write(model, dropped, out.resolve("hf_compact"));
            tokenizer.save(out.resolve("hf_compact"));
            card(out.resolve("hf_compact"), "hf-compact", baseModel, model, result, List.of(note));
        } catch (IllegalArgumentException e) {
            deleteQuietly(out.resolve("hf_compact"));
            notes.add("no hf_compact/: " + e.getMessage());
        }
        return notes;
    }

    private static void card(
            Path folder,
            String format,
            String baseModel,
            CausalLm model,
            Upgrade.Result r,
            List<String> extra)
            throws IOException {
        long accepted = r.outcomes().stream().filter(CycleOutcome::accepted).count();
        StringBuilder md = new StringBuilder();
        md.append("# ").append(baseModel).append(", upgraded by Sentinel\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "- base model: %s (%s family)%n- what changed: %d plasticity cycles (%d kept,"
                                + " %d rolled back); %d of %d heads active%n- validation perplexity:"
                                + " %.4f before, %.4f after%n- parameters in this folder: see"
                                + " config.json; format %s%n",
                        baseModel,
                        Families.of(model).name(),
                        r.outcomes().size(),
                        accepted,
                        r.outcomes().size() - accepted,
                        r.after().activeHeads(),
                        model.config().numLayers() * model.config().numHeads(),
                        r.before().perplexity(),
                        r.after().perplexity(),
                        format));
        extra.forEach(e -> md.append("- ").append(e).append("\n"));
        md.append(
                "\nLoad it with the standard class, no custom code:\n\n```python\nfrom transformers"
                        + " import AutoModelForCausalLM, AutoTokenizer\nmodel ="
                        + " AutoModelForCausalLM.from_pretrained(\"PATH\")\ntokenizer ="
                        + " AutoTokenizer.from_pretrained(\"PATH\")\n```\n");
        Files.writeString(folder.resolve("README.md"), md.toString());
    }

    private static void deleteQuietly(Path folder) throws IOException {
        if (Files.exists(folder)) {
            ai.sentinel.io.AtomicFiles.deleteRecursively(folder);
        }
    }
}
