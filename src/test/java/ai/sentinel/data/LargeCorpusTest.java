package ai.sentinel.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.ChildJvm;
import ai.sentinel.testing.Fixtures;
import ai.sentinel.testing.PeakMemory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corpora of real size through the command line with GPT-2's tokenizer, in a child JVM whose peak
 * resident memory is sampled: a 500 MB text (issue 22's floor: under 2 GB) and a JSON Lines file
 * whose one line is 50 MB (which once aborted the JVM inside the native tokenizer). Minutes each:
 * {@code mvn -B -ntp verify -Plarge -Dtest=LargeCorpusTest}.
 */
@Tag("large")
class LargeCorpusTest {
    private static final long TWO_GB = 2L << 30;

    /** Europarl's paragraphs shuffled anew for every copy, until {@code bytes} are written. */
    private static void writeEnglish(Path file, long bytes, String prefix, String suffix)
            throws IOException {
        List<String> paragraphs =
                new ArrayList<>(List.of(EuroparlCorpus.englishText().split("\n")));
        Random random = new Random(22);
        long written = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(prefix);
            while (written < bytes) {
                Collections.shuffle(paragraphs, random);
                for (String paragraph : paragraphs) {
                    if (!suffix.isEmpty()) { // inside a JSON string
                        paragraph =
                                paragraph
                                        .replace("\\", "\\\\")
                                        .replace("\"", "\\\"")
                                        .replace('\t', ' ');
                    }
                    out.write(paragraph);
                    out.write(suffix.isEmpty() ? "\n" : " ");
                    written += paragraph.length() + 1;
                }
            }
            out.write(suffix);
        }
    }

    private static PeakMemory.Result eval(Path corpus, Path cache) throws Exception {
        return PeakMemory.run(
                ChildJvm.sentinel(
                        List.of(
                                "eval",
                                "-m",
                                "nano",
                                "--tokenizer",
                                Fixtures.gpt2Tokenizer().toString(),
                                "--n-layer",
                                "1",
                                "--n-embd",
                                "32",
                                "--dataset",
                                corpus.toString(),
                                "--token-cache",
                                cache.toString(),
                                "--eval-batches",
                                "2")),
                3600);
    }

    private static void report(String what, long bytes, PeakMemory.Result r) {
        System.out.printf(
                "%s: %.0f MB in %.0f s (%.2f MB/s), peak RSS %.0f MB%n",
                what, bytes / 1e6, r.seconds(), bytes / 1e6 / r.seconds(), r.peakBytes() / 1e6);
    }

    @Test
    void a500MbCorpusTokenisesWithTheProcessUnder2Gb(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        writeEnglish(corpus, 500_000_000L, "", "");
        long bytes = Files.size(corpus);
        PeakMemory.Result first = eval(corpus, dir.resolve("cache"));
        report("500 MB text, tokenised", bytes, first);
        assertEquals(0, first.exitCode(), first.output());
        assertTrue(first.output().contains("validation loss"), first.output());
        assertTrue(first.peakBytes() < TWO_GB, "peak RSS " + first.peakBytes());

        PeakMemory.Result again = eval(corpus, dir.resolve("cache"));
        report("500 MB text, from the token cache", bytes, again);
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.seconds() < first.seconds() / 5, "the cache was not reused");
    }

    @Test
    void aJsonLineOf50MbTokenisesInBoundedPieces(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("one-line.jsonl");
        writeEnglish(corpus, 50_000_000L, "{\"text\": \"", "\"}\n");
        PeakMemory.Result r = eval(corpus, dir.resolve("cache"));
        report("50 MB JSON line", Files.size(corpus), r);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.peakBytes() < TWO_GB, "peak RSS " + r.peakBytes());
    }
}
