package ai.sentinel.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.tokenizer.ByteTokenizer;
import ai.sentinel.tokenizer.HfTokenizer;
import ai.sentinel.tokenizer.TextPieces;
import ai.sentinel.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
    /** A tokenizer that counts its calls and the longest text it was given. */
    private static final class Counting implements Tokenizer {
        final Tokenizer inner;
        final AtomicInteger calls = new AtomicInteger();
        int longest;

        Counting(Tokenizer inner) {
            this.inner = inner;
        }

        @Override
        public int[] encode(String text) {
            calls.incrementAndGet();
            longest = Math.max(longest, text.length());
            return inner.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return inner.decode(ids);
        }

        @Override
        public int vocabSize() {
            return inner.vocabSize();
        }

        @Override
        public String fingerprint() {
            return inner.fingerprint();
        }

        @Override
        public OptionalInt endOfText() {
            return inner.endOfText();
        }

        @Override
        public void save(Path folder) {}
    }

    private static int[] all(TokenSequence tokens) {
        int[] ids = new int[Math.toIntExact(tokens.length())];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i);
        }
        return ids;
    }

    private static String corpus() throws IOException {
        return EuroparlCorpus.englishText().substring(0, 300_000);
    }

    @Test
    void aFileIsTokenisedOnceIntoAMappedFileThatLaterRunsReuse(@TempDir Path dir)
            throws IOException {
        Path text = dir.resolve("corpus.txt");
        Files.writeString(text, corpus());
        TokenCache cache = new TokenCache(dir.resolve("cache"));
        try (HfTokenizer gpt2 = HfTokenizer.load(Path.of("src/test/resources/tokenizers/gpt2"))) {
            Counting counting = new Counting(gpt2);
            TokenSequence first =
                    cache.tokens(
                            TextCorpus.open(text, StandardCharsets.UTF_8),
                            counting,
                            50257,
                            TokenCache.Progress.NONE);
            assertInstanceOf(TokenFile.class, first);
            assertArrayEquals(gpt2.encode(corpus()), all(first));
            assertTrue(counting.calls.get() >= 300_000 / TextPieces.MAX_CHARS);
            assertTrue(counting.longest <= TextPieces.MAX_CHARS);
            try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
                List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(2, names.size(), names.toString()); // <key>.json, <key>.tokens
                assertEquals(
                        2L * first.length(),
                        Files.size(dir.resolve("cache").resolve(names.get(1))));
            }

            int callsBefore = counting.calls.get();
            TokenSequence again =
                    cache.tokens(
                            TextCorpus.open(text, StandardCharsets.UTF_8),
                            counting,
                            50257,
                            TokenCache.Progress.NONE);
            assertEquals(callsBefore, counting.calls.get(), "reused without tokenising");
            assertArrayEquals(all(first), all(again));

            // a changed file is tokenised again; so is another tokenizer's view of it
            Files.writeString(text, "changed text");
            Files.setLastModifiedTime(text, FileTime.fromMillis(1_000_000));
            assertArrayEquals(
                    gpt2.encode("changed text"),
                    all(
                            cache.tokens(
                                    TextCorpus.open(text, StandardCharsets.UTF_8),
                                    counting,
                                    50257,
                                    TokenCache.Progress.NONE)));
            assertEquals(
                    "changed text".length(),
                    cache.tokens(
                                    TextCorpus.open(text, StandardCharsets.UTF_8),
                                    new ByteTokenizer(),
                                    256,
                                    TokenCache.Progress.NONE)
                            .length());
        }
    }

    private static int[] bytes(TokenCache cache, TextSource source) throws IOException {
        return all(cache.tokens(source, new ByteTokenizer(), 256, TokenCache.Progress.NONE));
    }

    @Test
    void anIncompleteCacheEntryIsNeverTrusted(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("corpus.txt");
        Files.writeString(text, "abcdef ghijkl");
        TokenCache cache = new TokenCache(dir.resolve("cache"));
        TextSource source = TextCorpus.open(text, StandardCharsets.UTF_8);
        int[] tokens =
                all(cache.tokens(source, new ByteTokenizer(), 256, TokenCache.Progress.NONE));
        Path tokenFile;
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            tokenFile = files.filter(p -> p.toString().endsWith(".tokens")).findFirst().get();
        }
        // a run killed between writing the ids and their description, or a truncated file
        Files.write(tokenFile, new byte[] {1, 0, 2, 0});
        assertArrayEquals(tokens, bytes(cache, source));
        Path description = Path.of(tokenFile.toString().replace(".tokens", ".json"));
        Files.writeString(description, "{\"format\": \"sentinel-tokens-1\", \"width\":");
        assertArrayEquals(tokens, bytes(cache, source));
        // a partial file of a process that no longer runs is removed
        Path abandoned = Path.of(tokenFile.toString() + ".999999999.partial");
        Files.write(abandoned, new byte[10]);
        Files.delete(description);
        bytes(cache, source);
        assertFalse(Files.exists(abandoned));
    }

    @Test
    void idsOutsideTheModelsVocabularyAreRefusedAlsoWhenCached(@TempDir Path dir)
            throws IOException {
        Path text = dir.resolve("corpus.txt");
        Files.writeString(text, "\u00ff\u00ff high bytes");
        TokenCache cache = new TokenCache(dir.resolve("cache"));
        TextSource source = TextCorpus.open(text, StandardCharsets.UTF_8);
        for (int round = 0; round < 2; round++) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    cache.tokens(
                                            source,
                                            new ByteTokenizer(),
                                            128,
                                            TokenCache.Progress.NONE));
            assertTrue(e.getMessage().contains("vocabulary of 128"), e.getMessage());
            cache.tokens(source, new ByteTokenizer(), 256, TokenCache.Progress.NONE); // now cached
        }
    }

    @Test
    void tokenFilesOfFourByteIdsAndManySegmentsReadBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ids");
        java.nio.ByteBuffer bytes =
                java.nio.ByteBuffer.allocate(4 * 1000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1000; i++) {
            bytes.putInt(70_000 + i);
        }
        Files.write(file, bytes.array());
        TokenFile ids = TokenFile.open(file, 4);
        assertEquals(1000, ids.length());
        assertEquals(70_999, ids.get(999));
        assertEquals(2, TokenFile.width(65_536));
        assertEquals(4, TokenFile.width(65_537));
        assertThrows(IndexOutOfBoundsException.class, () -> ids.get(1000));
        Files.write(dir.resolve("odd"), new byte[3]);
        assertThrows(IOException.class, () -> TokenFile.open(dir.resolve("odd"), 2));
    }

    @Test
    void aCachedCorpusSplitsIntoTheSameBlocksAsOneInMemory(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("corpus.txt");
        Files.writeString(text, corpus());
        TokenSequence mapped =
                new TokenCache(dir.resolve("cache"))
                        .tokens(
                                TextCorpus.open(text, StandardCharsets.UTF_8),
                                new ByteTokenizer(),
                                256,
                                TokenCache.Progress.NONE);
        TextDataset fromFile = TextDataset.split(mapped, 64, 0.1);
        TextDataset inMemory = TextDataset.split(new ByteTokenizer().encode(corpus()), 64, 0.1);
        assertEquals(inMemory.train().numBlocks(), fromFile.train().numBlocks());
        assertEquals(inMemory.validation().numTokens(), fromFile.validation().numTokens());
        int last = fromFile.validation().numBlocks() - 1;
        assertArrayEquals(
                Batch.of(inMemory.validation(), new int[] {0, last}).targets(),
                Batch.of(fromFile.validation(), new int[] {0, last}).targets());
    }

    @Test
    void aCacheFolderThatCannotBeWrittenIsNamedWithTheWayOut(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("corpus.txt"), "some words");
        Path notAFolder = Files.writeString(dir.resolve("occupied"), "a file where the cache goes");
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                bytes(
                                        new TokenCache(notAFolder.resolve("tokens")),
                                        TextCorpus.open(text, StandardCharsets.UTF_8)));
        assertTrue(
                e.getMessage()
                                .startsWith(
                                        "cannot write tokens into " + notAFolder.resolve("tokens"))
                        && e.getMessage().contains("--token-cache or SENTINEL_CACHE")
                        && e.getMessage().lines().count() == 1,
                e.getMessage());
    }
}
