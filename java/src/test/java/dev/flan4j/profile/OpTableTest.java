package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.kernels.KernelDType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every row of the op table is complete: its bound has a formula, it describes its shape and has a summary. */
class OpTableTest {
    private static final Shape S = Shape.resolve(
            Map.of("B", 2L, "T", 8L, "C", 16L, "NH", 2L, "V", 70L, "L", 1L, "M", 8L, "N", 12L, "K", 4L, "P", 100L), null);

    @Test
    void everyRowIsComplete() {
        for (Op op : Op.values()) {
            assertFalse(op.summary().isBlank(), op.cliName());
            assertTrue(Op.help().contains(op.cliName() + ": " + op.summary()), Op.help());
            assertTrue(op.directions().contains(op.defaultDirection()), op.cliName());
            for (Direction d : op.directions()) {
                OpSpec spec = new OpSpec(op, d, KernelDType.F32, S);
                if (op.bound() == Op.Bound.COMPUTE) {
                    assertNotNull(spec.flops(), op + " " + d);
                    assertTrue(spec.flops() > 0, op + " " + d);
                } else {
                    assertNotNull(spec.bytes(), op + " " + d);
                    assertTrue(spec.bytes() > 0, op + " " + d);
                }
                assertTrue(spec.describe().matches("([A-Za-z]+=\\d+,)*[A-Za-z]+=\\d+"), spec.describe());
            }
        }
        assertEquals("M=8,N=12,K=4", Op.MATMUL.describe(S));
        assertEquals("P=100", Op.ADAMW.describe(S));
        assertEquals("N=12,K=4", Op.ADAFACTOR.describe(S));
    }
}
