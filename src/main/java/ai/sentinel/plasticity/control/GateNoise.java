package ai.sentinel.plasticity.control;

import java.util.SplittableRandom;

/**
 * The uniforms a step's hard-concrete samples are drawn at: a pure function of (seed, cycle, step),
 * so a resumed run draws, step for step, what an uninterrupted one drew — no generator position to
 * save.
 */
public final class GateNoise {
    private GateNoise() {}

    /** {@code count} uniforms strictly inside (0, 1), one per gate in row-major order. */
    public static double[] uniforms(long seed, int cycle, long step, int count) {
        SplittableRandom random =
                new SplittableRandom(
                        seed * 0x9E3779B97F4A7C15L
                                + cycle * 0xBF58476D1CE4E5B9L
                                + step * 0x94D049BB133111EBL);
        double[] u = new double[count];
        for (int i = 0; i < count; i++) {
            // the midpoints of 2^53 equal cells: never 0 or 1, where log u or log(1−u) is infinite
            u[i] = ((random.nextLong() >>> 11) + 0.5) * 0x1p-53;
        }
        return u;
    }
}
