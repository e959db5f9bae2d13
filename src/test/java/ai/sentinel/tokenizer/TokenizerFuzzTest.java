package ai.sentinel.tokenizer;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Corrupt tokenizer files fail with one line naming the file. Every generated input goes through
 * the Java validation that guards the native (Rust) loader; a modest number go through the native
 * loader as well, since a fault there would take the JVM down with it.
 */
class TokenizerFuzzTest {
    private static final Path DIR = FuzzFolder.create("tokenizer");
    private static final String VALID = TokenizerJson.forBytes();

    static {
        // load the native library and its classes once, so their one-time cost is not counted
        // against a try
        try {
            Path file = DIR.resolve("warm-up.json");
            Files.writeString(file, VALID);
            HfTokenizer.load(file).close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        AtomicFiles.deleteRecursively(DIR);
    }

    @Property(seed = FuzzSeed.SEED)
    void corruptTokenizerJsonFailsClearlyInJava(@ForAll("corrupt") byte[] bytes)
            throws IOException {
        Path file = DIR.resolve(TokenizerJson.FILE);
        Files.write(file, bytes);
        CleanFailure.check(
                file,
                bytes.length,
                () -> TokenizerJson.validate(ai.sentinel.io.Json.readText(file), file.toString()));
    }

    @Property(tries = 150, seed = FuzzSeed.SEED)
    void corruptTokenizerJsonFailsClearlyThroughTheNativeLoader(@ForAll("corrupt") byte[] bytes)
            throws IOException {
        Path file = DIR.resolve(TokenizerJson.FILE);
        Files.write(file, bytes);
        // DJL's binding copies the text several times on its way to Rust (measured: ~340 bytes of
        // heap per byte of a file holding a 100,000-character token); our own Java path is held to
        // the default bound above
        CleanFailure.check(
                file,
                bytes.length,
                1024,
                () -> {
                    try (HfTokenizer tokenizer = HfTokenizer.load(file)) {
                        tokenizer.decode(tokenizer.encode("Hello world, üñí"));
                    }
                });
    }

    @Property(seed = FuzzSeed.SEED)
    void corruptVocabJsonFailsClearly(@ForAll("corruptVocab") byte[] bytes) throws IOException {
        Path vocab = DIR.resolve("vocab.json");
        Files.write(vocab, bytes);
        Path merges = DIR.resolve("merges.txt");
        Files.writeString(merges, "#version: 0.2\nh e\nhe l\n");
        CleanFailure.check(
                vocab, bytes.length, () -> TokenizerJson.fromVocabAndMerges(vocab, merges));
    }

    @Provide
    Arbitrary<byte[]> corrupt() {
        return Corruptions.ofJson(VALID);
    }

    @Provide
    Arbitrary<byte[]> corruptVocab() {
        return Corruptions.ofJson(
                "{\"h\": 0, \"e\": 1, \"l\": 2, \"he\": 3, \"hel\": 4, \"<|endoftext|>\": 5}");
    }
}
