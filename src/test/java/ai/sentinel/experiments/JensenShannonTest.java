package ai.sentinel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JensenShannonTest {
    /** Two heads, T = 3, one sequence: (B, H, T, T) with rows summing to 1 over keys 0…i. */
    private static float[] attention(float[][] head0, float[][] head1) {
        float[] a = new float[2 * 9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                a[i * 3 + j] = head0[i][j];
                a[9 + i * 3 + j] = head1[i][j];
            }
        }
        return a;
    }

    @Test
    void identicalRowsGiveZeroDisjointRowsOneBitAndAHandComputedCaseItsValue() {
        float[][] first = {{1, 0, 0}, {1, 0, 0}, {0.5f, 0.5f, 0}};
        float[][] last = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        float[] a = attention(first, last);
        assertEquals(0, JensenShannon.meanPerRow(a, 0, a, 0, 2, 3), 1e-12);
        // row 1: disjoint → 1 bit; row 2: p = (½, ½, 0), q = (0, 0, 1) → disjoint → 1 bit
        assertEquals(1, JensenShannon.meanPerRow(a, 0, a, 1, 2, 3), 1e-9);
        float[][] half = {{1, 0, 0}, {0.5f, 0.5f, 0}, {0.5f, 0.5f, 0}};
        float[] b = attention(half, last);
        // row 1: p = (1, 0), q = (½, ½): m = (¾, ¼); JS = ½[ln(4/3)] + ½[½ln(2/3) + ½ln 2], in bits
        double row1 =
                (0.5 * Math.log(4.0 / 3) + 0.5 * (0.5 * Math.log(2.0 / 3) + 0.5 * Math.log(2)))
                        / Math.log(2);
        assertEquals((row1 + 0) / 2, JensenShannon.meanPerRow(a, 0, b, 0, 2, 3), 1e-7);
    }
}
