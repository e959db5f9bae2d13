package ai.sentinel.cli;

import ai.sentinel.io.Json;
import java.math.BigInteger;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters for whole-number options. picocli's own say "'99999999999' is not an int" for a number
 * that is only too large; these say which bound it passes.
 */
final class WholeNumbers {
    private WholeNumbers() {}

    /** Registers the converters for {@code int} and {@code long} options on every command. */
    static void register(CommandLine cli) {
        cli.registerConverter(
                Integer.class, s -> (int) parse(s, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cli.registerConverter(int.class, s -> (int) parse(s, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cli.registerConverter(Long.class, s -> parse(s, Long.MIN_VALUE, Long.MAX_VALUE));
        cli.registerConverter(long.class, s -> parse(s, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** {@code text} as a whole number in [{@code min}, {@code max}]. */
    static long parse(String text, long min, long max) {
        if (!text.matches("[-+]?[0-9]+")) {
            throw new TypeConversionException(Json.quote(text) + " is not a whole number");
        }
        BigInteger value = new BigInteger(text);
        if (value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new TypeConversionException(Json.quote(text) + " is too large: at most " + max);
        }
        if (value.compareTo(BigInteger.valueOf(min)) < 0) {
            throw new TypeConversionException(Json.quote(text) + " is too small: at least " + min);
        }
        return value.longValueExact();
    }
}
