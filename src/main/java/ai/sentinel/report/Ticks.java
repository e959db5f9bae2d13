package ai.sentinel.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An axis range fitted to data, and round tick values inside it: steps of 1, 2 or 5 × 10^k
 * (Heckbert's "nice numbers", Graphics Gems, 1990), about five ticks. Counts get whole-number steps
 * only, so a head count never sits on a tick of 10.6.
 *
 * @param lo lower end of the axis
 * @param hi upper end of the axis
 * @param step distance between ticks
 * @param values the ticks, ascending, all within [lo, hi]
 */
record Ticks(double lo, double hi, double step, List<Double> values) {
    private static final int TARGET_TICKS = 5;

    /**
     * Fits [min, max] with {@code margin} × span added each side, so no point sits on the frame.
     * Integer axes get at least half a unit each side. {@code clampAtZero}: data that never goes
     * below 0 gets no axis below 0 (values such as a loss, where a negative tick would read as a
     * possible value).
     */
    static Ticks fit(double min, double max, double margin, boolean integers, boolean clampAtZero) {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            min = 0;
            max = 1;
        }
        double span = max - min;
        double pad;
        if (integers) {
            pad = Math.max(0.5, margin * span);
        } else if (span > 0) {
            pad = margin * span;
        } else {
            // one value: ±5% of it, or ±0.5 for a zero (a sparsity that stayed 0)
            pad = min == 0 ? 0.5 : Math.max(Math.abs(min) * 0.05, 1e-9);
        }
        double lo = min - pad;
        double hi = max + pad;
        if (clampAtZero && min >= 0 && lo < 0) {
            lo = 0;
        }
        return within(lo, hi, integers);
    }

    /** Round ticks inside a given range. */
    static Ticks within(double lo, double hi, boolean integers) {
        double step = niceStep((hi - lo) / TARGET_TICKS);
        if (integers) {
            step = Math.max(1, step);
        }
        List<Double> values = new ArrayList<>();
        long first = (long) Math.ceil(lo / step - 1e-9);
        for (long k = first; k * step <= hi + step * 1e-9; k++) {
            values.add(round(k * step, step));
        }
        return new Ticks(lo, hi, step, List.copyOf(values));
    }

    /**
     * The nearest of 1, 2, 5 × 10^k to {@code raw} (Heckbert's rounding thresholds 1.5, 3 and 7).
     */
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return nice * power;
    }

    /**
     * Decimals that show every tick exactly: none for steps of 1 and above, one for 0.5, two for
     * 0.05, ….
     */
    int decimals() {
        return Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    }

    String label(double v) {
        double shown = Math.abs(v) < step * 1e-6 ? 0 : v; // no "-0.0"
        return Math.abs(shown) >= 10_000 && decimals() == 0
                ? String.format("%,d", Math.round(shown))
                : String.format("%." + decimals() + "f", shown);
    }

    /** k × step without the binary noise of the product (0.30000000000000004). */
    private static double round(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return new java.math.BigDecimal(v)
                .setScale(decimals + 1, java.math.RoundingMode.HALF_UP)
                .doubleValue();
    }
}
