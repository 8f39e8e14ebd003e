package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class L2FlushTest {
    @Test
    void writesTwiceTheL2WithANewValueEachTime() {
        CpuBackend cpu = new CpuBackend();
        List<int[]> allocations = new ArrayList<>();
        List<Float> fills = new ArrayList<>();
        Backend recording = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("zeros")) allocations.add((int[]) args[0]);
                    if (m.getName().equals("fill")) fills.add((Float) args[1]);
                    try {
                        return m.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (L2Flush f = L2Flush.byWriting(recording, 4096)) {
            assertEquals(1, allocations.size());
            assertArrayEquals(new int[]{2048}, allocations.get(0)); // 2 x 4096 bytes of fp32
            f.flush();
            f.flush();
            assertEquals(List.of(1f, 2f), fills);
            assertTrue(f.description().contains("2 x L2"), f.description());
        }
        assertThrows(IllegalArgumentException.class, () -> L2Flush.byWriting(cpu, 0));
        assertTrue(L2Flush.none("CPU backend").description().contains("skipped (CPU backend)"));
    }
}
