package ai.sentinel.plasticity.control;

import java.util.Arrays;
import java.util.Locale;

/** Five numbers that describe a metric over heads: min, quartiles, max (NaN when no values). */
public record Distribution(int count, double min, double q1, double median, double q3, double max) {
    public static Distribution of(double[] values) {
        if (values.length == 0) {
            return new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return new Distribution(
                s.length,
                s[0],
                Threshold.quantileOfSorted(s, 0.25),
                Threshold.quantileOfSorted(s, 0.5),
                Threshold.quantileOfSorted(s, 0.75),
                s[s.length - 1]);
    }

    /** Four significant digits without trailing zeros: 0.95, 0.0312, 1.235e-05. */
    static String format(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        String s = String.format(Locale.ROOT, "%.4g", x);
        String mantissa = s.contains("e") ? s.substring(0, s.indexOf('e')) : s;
        String exponent = s.contains("e") ? s.substring(s.indexOf('e')) : "";
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + exponent;
    }

    @Override
    public String toString() {
        if (count == 0) {
            return "no heads";
        }
        return "min "
                + format(min)
                + "  q1 "
                + format(q1)
                + "  median "
                + format(median)
                + "  q3 "
                + format(q3)
                + "  max "
                + format(max)
                + "  ("
                + count
                + " heads)";
    }
}
