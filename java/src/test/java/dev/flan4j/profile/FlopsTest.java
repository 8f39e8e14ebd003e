package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flan4j.kernels.KernelDType;
import dev.flan4j.model.GptConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlopsTest {

    @Test
    void matmulIsTwoMNKAndBackwardTwice() {
        assertEquals(210.0, Flops.matmul(3, 5, 7, Direction.FWD));
        assertEquals(420.0, Flops.matmul(3, 5, 7, Direction.BWD));
        // GPT-2 qkv GEMM at B*T = 8192: 2 * 8192 * 2304 * 768
        assertEquals(28_991_029_248.0, Flops.matmul(8192, 2304, 768, Direction.FWD));
    }

    @Test
    void attentionCountsLikeFlashAttention() {
        // 4 * B * NH * T^2 * HD = 4 * 2 * 3 * 16 * 5 = 1920
        assertEquals(1920.0, Flops.attention(2, 3, 4, 5, false, Direction.FWD));
        assertEquals(960.0, Flops.attention(2, 3, 4, 5, true, Direction.FWD));
        assertEquals(2400.0, Flops.attention(2, 3, 4, 5, true, Direction.BWD));
        assertEquals(3360.0, Flops.attention(2, 3, 4, 5, true, Direction.FWD_BWD));
        // GPT-2 small, B=8, T=1024, causal: 4*8*12*1024^2*64/2 = 12,884,901,888
        assertEquals(12_884_901_888.0, Flops.attention(8, 12, 1024, 64, true, Direction.FWD));
    }

    @Test
    void stepFollowsNanoGptMfu() {
        GptConfig tiny = new GptConfig(4096, 16, 2, 4, 64);
        // params = 4096*64 + 16*64 + 2*(12*64^2 + 13*64) + 2*64 = 262144 + 1024 + 99968 + 128 = 363264
        assertEquals(363_264L, tiny.parameterCount());
        // minus the position table (16*64): 362240
        assertEquals(362_240L, Flops.stepParams(tiny));
        // per token: 6*362240 + 12*L*NH*HD*T = 2173440 + 12*2*4*16*16 = 2173440 + 24576 = 2198016
        assertEquals(2_198_016.0, Flops.stepPerToken(tiny, 16, Direction.FWD_BWD));
        assertEquals(2_198_016.0 * 16, Flops.step(tiny, 1, 16, Direction.FWD_BWD));
        assertEquals(2_198_016.0 * 32 / 3, Flops.step(tiny, 2, 16, Direction.FWD), 1e-6);
    }

    @Test
    void specDispatch() {
        Shape s = Shape.resolve(Map.of("B", 2L, "T", 4L, "C", 15L, "NH", 3L, "M", 3L, "N", 5L, "K", 7L), null);
        assertEquals(210.0, new OpSpec(Op.MATMUL, Direction.FWD, KernelDType.F32, s).flops());
        assertEquals(2400.0, new OpSpec(Op.ATTENTION, Direction.BWD, KernelDType.F32, s).flops());
        assertNull(new OpSpec(Op.LAYERNORM, Direction.FWD, KernelDType.F32, s).flops());
    }
}
