package dev.flan4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void cpuByNameAnyCase() {
        assertEquals("cpu", Backends.create("CPU").name());
        assertEquals("cpu", Backends.create(" cpu ").name());
    }

    @Test
    void autoAlwaysGivesAWorkingBackend() {
        try (Backend b = Backends.create("auto")) {
            assertTrue(b.name().equals("cpu") || b.name().equals("cuda"));
        }
    }

    @Test
    void unknownNameIsRejectedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("tpu"));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("cpu, cuda or auto"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.create(null));
    }

    @Test
    void systemPropertySelects() {
        String old = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, "cpu");
            assertEquals("cpu", Backends.configuredName());
            assertEquals("cpu", Backends.create().name());
        } finally {
            if (old == null) System.clearProperty(Backends.PROPERTY); else System.setProperty(Backends.PROPERTY, old);
        }
    }
}
