package ai.sentinel.report;

import java.util.Locale;

/** A count with its noun, singular for one: "1 cycle", "3 cycles". */
public final class Plural {
    private Plural() {}

    /** {@code n} and {@code noun}, with an s unless n is 1 (the nouns used here are regular). */
    public static String of(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }
}
