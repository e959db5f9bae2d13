package ai.sentinel.data;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells English text from the other European languages by the share of its words that are common
 * English function words. On the Europarl sample the split is clean: English documents score
 * 0.25–0.5, all others below 0.15.
 */
public final class EnglishFilter {
    /** The threshold between the two clusters measured on the Europarl sample. */
    public static final double THRESHOLD = 0.2;

    private static final Set<String> FUNCTION_WORDS =
            Set.of(
                    "the", "of", "and", "to", "that", "is", "in", "we", "this", "for", "it", "be",
                    "are", "have", "not", "on", "which", "with", "as", "by", "will", "an", "at",
                    "has", "our", "would");
    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");

    private EnglishFilter() {}

    /** The share of words that are English function words (0 for text without words). */
    public static double score(String text) {
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        int words = 0;
        int english = 0;
        while (m.find()) {
            words++;
            if (FUNCTION_WORDS.contains(m.group())) {
                english++;
            }
        }
        return words == 0 ? 0 : (double) english / words;
    }

    public static boolean isEnglish(String text) {
        return score(text) >= THRESHOLD;
    }
}
