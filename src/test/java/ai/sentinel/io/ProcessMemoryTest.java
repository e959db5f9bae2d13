package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    @Test
    void theResidentSetFollowsFreshNativeMemoryAndTheHeapFollowsAnArray() {
        ProcessMemory before = ProcessMemory.now().orElseThrow(); // the project runs on Linux
        // fresh pages outside the heap (the heap's may be resident already from earlier tests)
        ByteBuffer natives = ByteBuffer.allocateDirect(256 << 20);
        for (int i = 0; i < natives.capacity(); i += 4096) {
            natives.put(i, (byte) 1); // resident only once written
        }
        byte[] onHeap = new byte[64 << 20];
        ProcessMemory during = ProcessMemory.now().orElseThrow();
        assertTrue(during.rssBytes() >= before.rssBytes() + (200L << 20), during + " " + before);
        assertTrue(during.peakRssBytes() >= during.rssBytes(), during.toString());
        assertTrue(during.heapUsedBytes() >= onHeap.length, during.toString());
        assertTrue(natives.get(0) == 1 && onHeap.length > 0);
    }
}
