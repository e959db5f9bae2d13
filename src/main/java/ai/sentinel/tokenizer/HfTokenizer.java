package ai.sentinel.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/** A Hugging Face {@code tokenizer.json}, run by DJL's binding of the Rust tokenizers library. */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private static final String PROBE = "Probe: ASCII, digits 0123, üñí, 日本, \uD83D\uDE00 \t\n";
    private final String json;
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final OptionalInt endOfText;

    private HfTokenizer(String json, String source) throws IOException {
        TokenizerJson.Summary summary = TokenizerJson.validate(json, source);
        this.json = json;
        try {
            this.tokenizer =
                    HuggingFaceTokenizer.newInstance(
                            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                            TokenizerJson.djlOptions());
            // some broken files load and only fail on first use (an unk_token missing from the
            // vocabulary)
            tokenizer.decode(tokenizer.encode(PROBE, false, false).getIds(), false);
        } catch (RuntimeException e) {
            // the Rust loader's message ("data did not match any variant...") names neither file
            // nor field
            throw new JsonFormatException(
                    source
                            + ": not a tokenizer.json the tokenizers library accepts ("
                            + firstLine(e.getMessage())
                            + ")");
        }
        this.vocabSize = summary.vocabSize();
        this.endOfText =
                summary.endOfText() >= 0
                        ? OptionalInt.of(summary.endOfText())
                        : OptionalInt.empty();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Loads {@code tokenizer.json} from a folder (or the file itself); a folder with only GPT-2's
     * {@code vocab.json} and {@code merges.txt} gets its {@code tokenizer.json} assembled from
     * them.
     */
    public static HfTokenizer load(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return fromFile(path);
        }
        Path file = path.resolve(TokenizerJson.FILE);
        if (Files.isRegularFile(file)) {
            return fromFile(file);
        }
        Path vocab = path.resolve("vocab.json");
        Path merges = path.resolve("merges.txt");
        if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
            return new HfTokenizer(
                    TokenizerJson.fromVocabAndMerges(vocab, merges), vocab + " with " + merges);
        }
        throw new IOException(
                "no tokenizer at "
                        + path
                        + ": expected tokenizer.json, or vocab.json with merges.txt");
    }

    /** GPT-2's byte-level BPE assembled from its {@code vocab.json} and {@code merges.txt}. */
    public static HfTokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt)
            throws IOException {
        return new HfTokenizer(
                TokenizerJson.fromVocabAndMerges(vocabJson, mergesTxt),
                vocabJson + " with " + mergesTxt);
    }

    private static HfTokenizer fromFile(Path file) throws IOException {
        return new HfTokenizer(Json.readText(file), file.toString());
    }

    /**
     * The ids of {@code text}; a text longer than {@link TextPieces#MAX_CHARS} goes to the native
     * library in pieces, since one call on a long input takes ~380 bytes per byte and aborted the
     * JVM on a 50 MB line.
     */
    @Override
    public int[] encode(String text) {
        if (text.length() <= TextPieces.MAX_CHARS) {
            return idsOf(TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, false));
        }
        List<String> pieces = new ArrayList<>();
        try {
            TextPieces cutter = new TextPieces(pieces::add);
            cutter.append(text);
            cutter.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the sink above does no I/O
        }
        return Arrays.stream(encodeAll(pieces)).flatMapToInt(Arrays::stream).toArray();
    }

    /**
     * The ids of each text, encoded in parallel by the native library (measured on 2 cores: 1.5-2×
     * the rate of one text at a time). Only the ids cross into Java: DJL's {@code Encoding} also
     * copies every token string, offset and mask, which cost more than the encoding itself.
     */
    @Override
    public int[][] encodeAll(List<String> texts) {
        for (String text : texts) {
            if (text.length() > TextPieces.MAX_CHARS) {
                return texts.stream().map(this::encode).toArray(int[][]::new);
            }
        }
        long[] encodings =
                TokenizersLibrary.LIB.batchEncode(
                        tokenizer.getHandle(), texts.toArray(String[]::new), false);
        int[][] ids = new int[encodings.length][];
        int freed = 0;
        try {
            for (; freed < encodings.length; freed++) {
                ids[freed] = idsOf(encodings[freed]);
            }
        } finally {
            for (int i = freed + 1; i < encodings.length; i++) {
                TokenizersLibrary.LIB.deleteEncoding(
                        encodings[i]); // after a failure: free the rest
            }
        }
        return ids;
    }

    /** The ids of a native encoding, which is freed. */
    private static int[] idsOf(long encoding) {
        try {
            long[] ids = TokenizersLibrary.LIB.getTokenIds(encoding);
            int[] out = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[i] = Math.toIntExact(ids[i]);
            }
            return out;
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    /**
     * @throws IllegalArgumentException for a prompt longer than {@link TextPieces#MAX_CHARS}
     *     characters, which no model's context holds
     */
    @Override
    public int[] encodePrompt(String text) {
        if (text.length() > TextPieces.MAX_CHARS) {
            throw new IllegalArgumentException(
                    "a prompt of "
                            + text.length()
                            + " characters is longer than the "
                            + TextPieces.MAX_CHARS
                            + " that are tokenised at once; shorten it");
        }
        return idsOf(TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, true));
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public String fingerprint() {
        try {
            byte[] digest =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(json.getBytes(StandardCharsets.UTF_8));
            return "tokenizer.json sha256 " + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    @Override
    public OptionalInt endOfText() {
        return endOfText;
    }

    @Override
    public void save(Path folder) throws IOException {
        Files.createDirectories(folder);
        AtomicFiles.writeString(folder.resolve(TokenizerJson.FILE), json);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
