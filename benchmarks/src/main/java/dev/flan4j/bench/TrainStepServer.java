package dev.flan4j.bench;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import dev.flan4j.backend.Timer;
import dev.flan4j.model.Batch;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tensor.Tensor;
import dev.flan4j.train.AdamW;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * flan4j's side of {@code benchmarks/cpu-vs-torch.sh}: a long-lived process that times the trainer's full step
 * (zeroGrad, forward + backward, gradient-norm clip, AdamW, as {@code Trainer} runs them) so that a driver can
 * interleave it with PyTorch's step on the same machine without paying JVM start-up and JIT warm-up each round.
 *
 * <p>Protocol, one line each way: {@code step L NH C V B T WARMUP RUNS} answers {@code ok ms1 ms2 ...} (one time
 * per timed step, {@link Timer#wallClock}); {@code device} answers {@code ok <backend.device()>}; {@code quit} ends.
 * A model and its optimizer are built once per configuration and kept; random init (seed 1), random tokens.
 */
public final class TrainStepServer {
    private TrainStepServer() {}

    /** A model, its optimizer, one batch, and the device scalars of a step: [loss sum, squared norm] and the factor. */
    private record Job(Gpt model, AdamW opt, Batch batch, Tensor stats, Tensor factor) {}

    public static void main(String[] args) throws Exception {
        String backendName = args.length > 0 ? args[0] : "cpu";
        try (Backend be = Backends.create(backendName)) {
            Map<String, Job> jobs = new HashMap<>();
            Timer timer = Timer.wallClock(be);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.trim().split("\\s+");
                try {
                    switch (w[0]) {
                        case "quit" -> { return; }
                        case "device" -> reply("ok " + be.device());
                        case "step" -> {
                            int L = Integer.parseInt(w[1]), NH = Integer.parseInt(w[2]), C = Integer.parseInt(w[3]);
                            int V = Integer.parseInt(w[4]), B = Integer.parseInt(w[5]), T = Integer.parseInt(w[6]);
                            int warmup = Integer.parseInt(w[7]), runs = Integer.parseInt(w[8]);
                            Job job = jobs.computeIfAbsent(String.join(" ", L + "", NH + "", C + "", V + "", B + "", T + ""),
                                    k -> create(be, new GptConfig(V, T, L, NH, C), B, T));
                            for (int i = 0; i < warmup; i++) step(job);
                            StringBuilder sb = new StringBuilder("ok");
                            for (int i = 0; i < runs; i++) {
                                timer.start();
                                step(job);
                                sb.append(String.format(Locale.ROOT, " %.3f", timer.stopMillis()));
                            }
                            reply(sb.toString());
                        }
                        default -> reply("error unknown command '" + w[0] + "' (step, device, quit)");
                    }
                } catch (RuntimeException e) {
                    reply("error " + e);
                }
            }
        }
    }

    private static Job create(Backend be, GptConfig cfg, int B, int T) {
        Gpt model = Gpt.initialized(cfg, be, 1);
        SplittableRandom r = new SplittableRandom(2);
        int[] tok = r.ints(B * T, 0, cfg.vocabSize()).toArray(), tgt = r.ints(B * T, 0, cfg.vocabSize()).toArray();
        return new Job(model, AdamW.defaults(model), Batch.rows(B, T, tok, tgt), be.zeros(2), be.zeros(1));
    }

    /**
     * One optimizer step as the trainer takes it (one micro-batch, clip at 1.0, lr 1e-4): the loss sum and squared
     * gradient norm into device scalars, the clip on the device, nothing read back (the trainer reads its scalars
     * every few steps; here they are zeroed each step instead, so they never grow).
     */
    private static void step(Job j) {
        Backend be = j.model().backend();
        be.fill(j.stats(), 0f);
        j.model().zeroGrad();
        j.model().forwardBackward(j.batch(), 1f / j.batch().targetCount(), j.stats().view(0, 1));
        AdamW.clipGradNorm(j.model(), 1.0, j.stats().view(1, 1), j.factor());
        j.opt().step(1e-4f);
    }

    private static void reply(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
