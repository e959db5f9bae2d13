package ai.sentinel.experiments;

/**
 * Jensen–Shannon divergence between two heads' causal attention, in bits (0 = identical, 1 =
 * disjoint): per query row i ≥ 1 over its visible keys 0…i, {@code JS(p, q) = ½·KL(p‖m) +
 * ½·KL(q‖m)}, {@code m = (p + q)/2}, averaged over rows and sequences. Row 0 sees one key and is
 * always 0, so it is left out.
 */
final class JensenShannon {
    private static final double LN2 = Math.log(2);

    private JensenShannon() {}

    /**
     * @param a attention probabilities flattened (B, H, T, T)
     * @param headA the head of {@code a} compared
     * @param b the same layout
     * @param headB the head of {@code b} compared
     */
    static double meanPerRow(float[] a, int headA, float[] b, int headB, int heads, int T) {
        int sequences = a.length / (heads * T * T);
        if (b.length != a.length || sequences * heads * T * T != a.length) {
            throw new IllegalArgumentException("attention arrays of different or wrong shapes");
        }
        double sum = 0;
        long rows = 0;
        for (int s = 0; s < sequences; s++) {
            int baseA = (s * heads + headA) * T * T;
            int baseB = (s * heads + headB) * T * T;
            for (int i = 1; i < T; i++) {
                double js = 0;
                for (int j = 0; j <= i; j++) {
                    double p = a[baseA + i * T + j];
                    double q = b[baseB + i * T + j];
                    double m = (p + q) / 2;
                    if (p > 0) {
                        js += 0.5 * p * Math.log(p / m);
                    }
                    if (q > 0) {
                        js += 0.5 * q * Math.log(q / m);
                    }
                }
                sum += js / LN2;
                rows++;
            }
        }
        return sum / rows;
    }
}
