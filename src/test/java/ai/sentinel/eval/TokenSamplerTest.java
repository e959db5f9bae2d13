package ai.sentinel.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {
    /** The order a stable sort of boxed indices by Float.compare, largest first, gives. */
    private static int[] stableOrder(float[] logits) {
        Integer[] order = new Integer[logits.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void primitiveOrderIsTheStableSortsOrderWithTiesSignedZerosAndInfinities() {
        SplittableRandom random = new SplittableRandom(7);
        float[] special = {
            0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -1f, 1f
        };
        for (int trial = 0; trial < 200; trial++) {
            float[] logits = new float[1 + random.nextInt(300)];
            for (int i = 0; i < logits.length; i++) {
                logits[i] =
                        random.nextInt(4) == 0
                                ? special[random.nextInt(special.length)]
                                : (float) random.nextInt(-5, 6) / 2; // many ties
            }
            assertArrayEquals(stableOrder(logits), TokenSampler.descendingOrder(logits));
        }
    }
}
