package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** F16 / BF16 encoding: exact on representable values, round to nearest even on halfway cases. */
class SafetensorsDtypeTest {
    @Test
    void everyHalfRoundTripsAndHalfwayCasesRoundToEven() {
        for (int h = 0; h < 65536; h++) {
            float f = Safetensors.halfToFloat((short) h);
            if (Float.isNaN(f)) continue;
            assertEquals((short) h, Safetensors.floatToHalf(f), "half 0x" + Integer.toHexString(h));
        }
        float one = 1f, ulp = 0x1p-10f;
        assertEquals(Safetensors.floatToHalf(one), Safetensors.floatToHalf(one + ulp / 2));          // tie -> even (1.0)
        assertEquals(Safetensors.floatToHalf(one + 2 * ulp), Safetensors.floatToHalf(one + 1.5f * ulp)); // tie -> even
        assertEquals(Safetensors.floatToHalf(one + ulp), Safetensors.floatToHalf(one + 0.75f * ulp));
        assertEquals((short) 0x7c00, Safetensors.floatToHalf(70000f));
        assertEquals((short) 0x0001, Safetensors.floatToHalf(0x1p-24f));
        assertEquals((short) 0x0000, Safetensors.floatToHalf(0x1p-26f));
    }

    @Test
    void bf16KeepsTheTop16BitsRoundedToEven() {
        assertEquals((short) 0x3f80, Safetensors.floatToBf16(1f));
        assertEquals((short) 0x3f80, Safetensors.floatToBf16(Float.intBitsToFloat(0x3f808000)));   // tie -> even
        assertEquals((short) 0x3f82, Safetensors.floatToBf16(Float.intBitsToFloat(0x3f818000)));   // tie -> even
        assertEquals((short) 0x3f81, Safetensors.floatToBf16(Float.intBitsToFloat(0x3f808001)));
        assertEquals(true, Float.isNaN(Float.intBitsToFloat(Safetensors.floatToBf16(Float.NaN) << 16)));
    }
}
