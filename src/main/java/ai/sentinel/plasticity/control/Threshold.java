package ai.sentinel.plasticity.control;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A threshold on a per-head measurement: an absolute number, or a quantile of the current
 * measurement ({@code q0.9}), because users cannot guess absolute entropies or gradient norms. A
 * quantile is resolved against the active heads' values of the metric it is compared with, by
 * linear interpolation between order statistics: {@code x[(n − 1)·q]}.
 */
public record Threshold(boolean quantile, double value) {
    /** Plain decimal numbers only: no NaN, Infinity, hex or Java suffixes. */
    private static final Pattern FORM =
            Pattern.compile("(q?)([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?)");

    public Threshold {
        if (!Double.isFinite(value) || quantile && (value < 0 || value > 1)) {
            throw new IllegalArgumentException(
                    (quantile
                                    ? "quantile must be in [0, 1], got "
                                    : "threshold must be finite, got ")
                            + value);
        }
    }

    public static Threshold absolute(double value) {
        return new Threshold(false, value);
    }

    public static Threshold quantile(double q) {
        return new Threshold(true, q);
    }

    /**
     * Parses {@code text} given to {@code option}: a number ({@code 0.85}) or {@code q} then a
     * number in [0, 1] ({@code q0.9}).
     */
    public static Threshold parse(String option, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = FORM.matcher(t);
        try {
            if (m.matches()) {
                double number = Double.parseDouble(m.group(2));
                return m.group(1).isEmpty() ? absolute(number) : quantile(number);
            }
        } catch (IllegalArgumentException e) {
            // out of range: the same message as a malformed value
        }
        throw new IllegalArgumentException(
                option
                        + ": '"
                        + text
                        + "' is neither a number (an absolute threshold, e.g. 0.85) nor a quantile of"
                        + " the current measurement (q then a number in [0, 1], e.g. q0.9)");
    }

    /**
     * The threshold's value against {@code reference} (the values it is a quantile of); NaN for a
     * quantile of no values, which selects nothing.
     */
    public double resolve(double[] reference) {
        if (!quantile) {
            return value;
        }
        if (reference.length == 0) {
            return Double.NaN;
        }
        double[] sorted = reference.clone();
        Arrays.sort(sorted);
        return quantileOfSorted(sorted, value);
    }

    /** Linear interpolation between order statistics of {@code sorted} (ascending, non-empty). */
    static double quantileOfSorted(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double weight = position - below;
        return sorted[below] + weight * (sorted[above] - sorted[below]);
    }

    /** As the options take it: {@code q0.9} or {@code 0.85}. */
    @Override
    public String toString() {
        String number = java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        return quantile ? "q" + number : number;
    }
}
