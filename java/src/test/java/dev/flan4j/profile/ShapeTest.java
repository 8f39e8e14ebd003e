package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.model.GptConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeTest {
    @Test
    void defaultsAndDerivedSizes() {
        Shape s = Shape.resolve(Map.of(), null);
        assertEquals(8, s.B());
        assertEquals(256, s.T());
        assertEquals(768, s.C());
        assertEquals(64, s.HD());
        assertEquals(50304, s.Vp());
        assertEquals(2048, s.M());
        assertEquals(3072, s.N());
        assertEquals(768, s.K());
        assertEquals(12L * 768 * 768, s.P());
    }

    @Test
    void presetThenOverrides() {
        Shape s = Shape.resolve(Shape.parse("b=2, hd=32"), GptConfig.preset("gpt2"));
        assertEquals(2, s.B());
        assertEquals(1024, s.T());
        assertEquals(12 * 32, s.C()); // HD given without C: C = NH * HD
        assertEquals(50257, s.V());
        assertEquals(new GptConfig(50257, 1024, 12, 12, 384).parameterCount(), s.P());
        assertEquals("B=2,T=1024,NH=12,HD=32", Op.ATTENTION.describe(s));
        assertEquals("B=2,T=1024,V=50257,Vp=50304", Op.CROSS_ENTROPY.describe(s));
    }

    @Test
    void errorsNameTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Shape.resolve(Map.of("T", -3L), null))
                .getMessage().contains("T must be a positive integer, got -3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Shape.parse("Q=3"))
                .getMessage().contains("'Q'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Shape.parse("B=x"))
                .getMessage().contains("'x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Shape.resolve(Map.of("C", 100L, "NH", 12L), null))
                .getMessage().contains("C=100"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Shape.resolve(Map.of("C", 96L, "NH", 3L, "HD", 16L), null))
                .getMessage().contains("NH*HD"));
    }
}
