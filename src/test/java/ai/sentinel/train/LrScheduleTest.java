package ai.sentinel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    @Test
    void warmsUpLinearlyThenDecaysByCosineToTheFloor() {
        LrSchedule s = new LrSchedule(1f, 10, 110, LrSchedule.Decay.COSINE, 0.1f);
        assertEquals(0.1f, s.rate(0), 1e-6);
        assertEquals(1f, s.rate(9), 1e-6);
        assertEquals(1f, s.rate(10), 1e-6);
        assertEquals(0.55f, s.rate(60), 1e-6); // halfway: 0.1 + 0.9 · 0.5
        assertEquals(0.1f, s.rate(110), 1e-6);
        assertEquals(0.1f, s.rate(500), 1e-6);
    }

    @Test
    void linearDecayIsAStraightLine() {
        LrSchedule s = new LrSchedule(2f, 0, 100, LrSchedule.Decay.LINEAR, 0f);
        assertEquals(2f, s.rate(0), 1e-6);
        assertEquals(1f, s.rate(50), 1e-6);
        assertEquals(0.5f, s.rate(75), 1e-6);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new LrSchedule(0f, 0, 10, LrSchedule.Decay.COSINE, 0f));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LrSchedule(1f, -1, 10, LrSchedule.Decay.COSINE, 0f));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LrSchedule(1f, 0, 10, LrSchedule.Decay.COSINE, 2f));
    }
}
