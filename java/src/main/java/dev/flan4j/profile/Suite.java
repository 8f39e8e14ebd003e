package dev.flan4j.profile;

import dev.flan4j.kernels.KernelDType;
import dev.flan4j.model.FusedHead;
import dev.flan4j.model.GptConfig;
import java.util.ArrayList;
import java.util.List;

/** The ops of one training step of a model preset, at its real shapes. */
public final class Suite {
    private Suite() {}

    /**
     * Specs for the model that {@code s} describes (a preset resolved by {@link Shape#resolve}) at B rows of T tokens: the five GEMMs of the model (qkv, attention projection, MLP up and
     * down, LM head) forward and backward, layer norm, attention and GELU forward and backward, the fused
     * cross-entropy, the fused LM head + cross-entropy (at the chunk training uses), AdamW over all parameters, and
     * the whole forward+backward step.
     */
    public static List<OpSpec> specs(Shape s, KernelDType dtype) {
        GptConfig cfg = s.config();
        int BT = s.tokens(), C = s.C();
        List<OpSpec> out = new ArrayList<>();
        Object[][] gemms = {
                {"matmul.qkv", 3 * C, C}, {"matmul.attn_proj", C, C}, {"matmul.fc", 4 * C, C},
                {"matmul.fc_proj", C, 4 * C}, {"matmul.lm_head", s.Vp(), C}};
        for (Object[] g : gemms) {
            Shape m = s.withMatmul(BT, (Integer) g[1], (Integer) g[2]);
            for (Direction d : List.of(Direction.FWD, Direction.BWD)) out.add(new OpSpec((String) g[0], Op.MATMUL, d, dtype, m));
        }
        for (Op op : List.of(Op.LAYERNORM, Op.ATTENTION, Op.GELU)) {
            for (Direction d : List.of(Direction.FWD, Direction.BWD)) out.add(new OpSpec(op, d, dtype, s));
        }
        out.add(new OpSpec(Op.CROSS_ENTROPY, Direction.FWD_BWD, dtype, s));
        int chunk = FusedHead.auto().rows(BT, s.Vp());   // the fused head as training runs it (0: unfused, one chunk)
        out.add(new OpSpec(Op.FLCE, Direction.FWD_BWD, dtype, s.withMatmul(chunk > 0 ? chunk : BT, s.Vp(), C)));
        out.add(new OpSpec(Op.ADAMW, Direction.FWD, dtype, s.withP(cfg.parameterCount())));
        out.add(new OpSpec(Op.STEP, Direction.FWD_BWD, dtype, s));
        return out;
    }
}
