package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flan4j.kernels.KernelDType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BytesTest {

    @Test
    void layerNorm() {
        // fwd, N=2, C=3, fp32: x 24 + out 24 + weight/bias 24 + mean/rstd 16 = 88
        assertEquals(88, Bytes.layerNorm(2, 3, Direction.FWD, KernelDType.F32));
        // bf16: x 12 + out 12 + 24 + 16 = 64
        assertEquals(64, Bytes.layerNorm(2, 3, Direction.FWD, KernelDType.BF16));
        // bwd fp32: dout, x, dx read, dx write = 4*6*4 = 96; weight 12, mean/rstd 16, dw/db read+write 48 -> 172
        assertEquals(172, Bytes.layerNorm(2, 3, Direction.BWD, KernelDType.F32));
        // bwd bf16: 4*6*2 = 48 + 76 = 124
        assertEquals(124, Bytes.layerNorm(2, 3, Direction.BWD, KernelDType.BF16));
    }

    @Test
    void crossEntropy() {
        // N=2, V=50, Vp=64, fp32: read 2*50*4 = 400, targets 8, losses 8 -> 416; + gradient 2*64*4 = 512 -> 928
        assertEquals(416, Bytes.crossEntropy(2, 50, 64, Direction.FWD, KernelDType.F32));
        assertEquals(928, Bytes.crossEntropy(2, 50, 64, Direction.FWD_BWD, KernelDType.F32));
        // bf16: 200 + 16 + 256 = 472
        assertEquals(472, Bytes.crossEntropy(2, 50, 64, Direction.FWD_BWD, KernelDType.BF16));
    }

    @Test
    void geluAndAdamW() {
        assertEquals(80, Bytes.gelu(10, Direction.FWD, KernelDType.F32));
        assertEquals(120, Bytes.gelu(10, Direction.BWD, KernelDType.F32));
        assertEquals(60, Bytes.gelu(10, Direction.BWD, KernelDType.BF16));
        // per element: p, m, v read (12) + grad (4) + p, m, v write (12) = 28
        assertEquals(280, Bytes.adamW(10, KernelDType.F32));
        assertEquals(260, Bytes.adamW(10, KernelDType.BF16));
        // [3, 5]: p read and written (8) + grad (4 or 2) per element, row and col read and written: 8 * (3 + 5)
        assertEquals(15 * 12 + 64, Bytes.adafactor(3, 5, KernelDType.F32));
        assertEquals(15 * 10 + 64, Bytes.adafactor(3, 5, KernelDType.BF16));
    }

    @Test
    void matmulAndAttention() {
        // (3*7 + 7*5 + 3*5) * 4 = 71 * 4 = 284
        assertEquals(284, Bytes.matmul(3, 5, 7, Direction.FWD, KernelDType.F32));
        assertEquals(284, Bytes.matmul(3, 5, 7, Direction.BWD, KernelDType.BF16));
        // N=4, NH=2, HD=3 (C=6): fwd (72 + 24) * 4 + lse 32 = 416; bwd (72 + 24 + 24 + 72) * 4 + 32 = 800
        assertEquals(416, Bytes.attention(4, 2, 3, Direction.FWD, KernelDType.F32));
        assertEquals(800, Bytes.attention(4, 2, 3, Direction.BWD, KernelDType.F32));
    }

    @Test
    void specDispatch() {
        Shape s = Shape.resolve(Map.of("B", 1L, "T", 2L, "C", 3L, "NH", 1L, "V", 50L, "P", 10L), null);
        assertEquals(88, new OpSpec(Op.LAYERNORM, Direction.FWD, KernelDType.F32, s).bytes());
        assertEquals(928, new OpSpec(Op.CROSS_ENTROPY, null, KernelDType.F32, s).bytes());
        // gelu over B*T*4C = 24 elements, fwd fp32: 192
        assertEquals(192, new OpSpec(Op.GELU, Direction.FWD, KernelDType.F32, s).bytes());
        assertEquals(280, new OpSpec(Op.ADAMW, null, KernelDType.F32, s).bytes());
        assertNull(new OpSpec(Op.STEP, null, KernelDType.F32, s).bytes());
    }
}
