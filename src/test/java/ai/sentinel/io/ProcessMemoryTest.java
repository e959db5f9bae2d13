package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    @Test
    void thePeakAndTheHeapFollowAnAllocation() {
        ProcessMemory.resetPeak();
        ProcessMemory before = ProcessMemory.now().orElseThrow(); // the project runs on Linux
        byte[] touched = new byte[256 << 20];
        for (int i = 0; i < touched.length; i += 4096) {
            touched[i] = 1; // resident only once written
        }
        ProcessMemory during = ProcessMemory.now().orElseThrow();
        assertTrue(
                during.peakRssBytes() >= before.rssBytes() + (200L << 20), during + " " + before);
        assertTrue(during.heapUsedBytes() >= 256L << 20, during.toString());
        assertTrue(touched[0] == 1);
        // a reset peak restarts from the resident set (whether the kernel allows it or not)
        ProcessMemory.resetPeak();
        ProcessMemory after = ProcessMemory.now().orElseThrow();
        assertTrue(after.peakRssBytes() >= after.rssBytes(), after.toString());
    }
}
