package ai.sentinel.eval;

/** Sampling statistics of evaluation results. */
public final class Statistics {
    private Statistics() {}

    /** Sample standard deviation (n − 1) over √n; NaN below two values. */
    public static double standardError(double[] values) {
        int n = values.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mean = 0;
        for (double v : values) {
            mean += v / n;
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (n - 1) / n);
    }

    /** Element-wise {@code a − b} of two equally long arrays (paired measurements). */
    public static double[] differences(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "paired values need equal lengths, got " + a.length + " and " + b.length);
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    /** Arithmetic mean; NaN when empty. */
    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
