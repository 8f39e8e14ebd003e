package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Corpus;
import dev.flan4j.eval.HeldOutLoss;
import dev.flan4j.experiment.Table;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.PretrainedModels;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flan4j models}: the pretrained models shipped with the built-in data, and held-out loss of any model. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the pretrained models shipped with flan4j (load them by name wherever a model folder is taken).",
        subcommands = {ModelsCommand.Loss.class, ModelsCommand.Pack.class})
public final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        List<List<String>> rows = new ArrayList<>();
        for (PretrainedModels.Info i : PretrainedModels.list()) {
            rows.add(List.of(i.name(), String.format("%.2fM", i.number("parameters") / 1e6), i.tokenizer(),
                    String.format("%.2fM", i.number("tokens_seen") / 1e6), String.format("%.3f", i.number("held_out_loss")), i.summary()));
        }
        if (rows.isEmpty()) {
            System.out.println("no shipped models on the classpath (is flan4j-data a dependency?)");
            return 0;
        }
        System.out.print(new Table(List.of("name", "parameters", "tokenizer", "tokens seen", "held-out loss (nats/token)",
                "summary"), rows).text());
        return 0;
    }

    /** {@code flan4j models loss}: held-out language-model loss on the corpus's validation split. */
    @Command(name = "loss", mixinStandardHelpOptions = true,
            description = "Held-out loss (nats/token) and perplexity of a model on a corpus split, in windows of the "
                    + "model's block size as pretraining sees text.")
    static final class Loss implements Callable<Integer> {
        @Mixin BackendOption backend;

        @Option(names = "--model", paramLabel = "DIR|NAME", required = true,
                description = "Checkpoint or run folder, Hugging Face folder (GPT-2, Llama, SmolLM2, Qwen2) or shipped model name.")
        Path model;

        @Option(names = "--tokenizer", paramLabel = "NAME",
                description = "Tokenizer (default: mini-bpe, or the model folder's tokenizer.json when it holds one).")
        String tokenizer;

        @Spec CommandSpec spec;

        @Option(names = "--corpus", paramLabel = "PATH", description = "corpus.jsonl(.gz) (default: the built-in corpus).")
        Path corpus;

        @Option(names = "--split", paramLabel = "NAME", description = "Corpus split (default: ${DEFAULT-VALUE}).")
        String split = "valid";

        @Option(names = "--seq-len", paramLabel = "T", description = "Window length (default: the model's block size).")
        Integer seqLen;

        @Option(names = "--max-tokens", paramLabel = "N", description = "Score at most N tokens (default: ${DEFAULT-VALUE} = all).")
        long maxTokens;

        @Override
        public Integer call() throws Exception {
            Tokenizer tok = ModelLoader.tokenizer(tokenizer, model, spec.commandLine().getErr());
            Corpus c = corpus == null ? Corpus.builtIn() : Corpus.load(corpus);
            try (Backend be = backend.create(); CausalLm m = ModelLoader.load(model, be)) {
                ModelLoader.requireMatch(m, tok);
                int T = seqLen == null ? m.config().blockSize() : seqLen;
                HeldOutLoss.Result r = HeldOutLoss.of(m, tok, c.split(split), T, 8, maxTokens);
                System.out.printf("held-out loss %.4f nats/token (perplexity %.1f) on %d tokens of split '%s' in %d window%s of %d%n",
                        r.loss(), r.perplexity(), r.tokens(), split, r.windows(), r.windows() == 1 ? "" : "s", T);
                return 0;
            }
        }
    }

    /**
     * {@code flan4j models pack}: turns a finished pretraining run into a shipped model: the newest checkpoint exported
     * as a Hugging Face GPT-2 folder (F16 by default), its held-out loss measured (and every kept checkpoint's, for the
     * curve), the run's metrics (metrics.jsonl.gz), and a machine-readable card; the index of shipped models is updated.
     */
    @Command(name = "pack", mixinStandardHelpOptions = true,
            description = "Pack a pretraining run folder as a shipped model (HF GPT-2 folder, card, metrics, held-out curve).")
    static final class Pack implements Callable<Integer> {
        @Mixin BackendOption backend;

        @Option(names = "--run", paramLabel = "DIR", required = true, description = "The pretraining run folder.")
        Path run;

        @Option(names = "--name", paramLabel = "NAME", required = true, description = "Name to load the model by.")
        String name;

        @Option(names = "--into", paramLabel = "DIR", description = "Models folder (default: ${DEFAULT-VALUE}).")
        Path into = Path.of("data/src/main/resources/mini-flan/models");

        @Option(names = "--dtype", paramLabel = "DTYPE", description = "F16, BF16 or F32 (default: ${DEFAULT-VALUE}).")
        String dtype = "F16";

        @Option(names = "--summary", paramLabel = "TEXT", required = true, description = "One line: what the model is.")
        String summary;

        @Option(names = "--command", paramLabel = "TEXT", required = true, description = "The command line that trained it.")
        String command;

        @Option(names = "--commit", paramLabel = "SHA", required = true, description = "The commit that trained it.")
        String commit;

        @Option(names = "--machine", paramLabel = "TEXT", required = true, description = "Where it was trained.")
        String machine;

        @Option(names = "--tokenizer", paramLabel = "NAME", description = "Tokenizer (default: ${DEFAULT-VALUE}).")
        String tokenizer = "mini-bpe";

        @Override
        public Integer call() throws Exception {
            Tokenizer tok = Tokenizers.byName(tokenizer);
            List<Corpus.Document> valid = Corpus.builtIn().split("valid");
            java.util.List<Path> ckpts;
            try (var s = java.nio.file.Files.list(run.resolve("checkpoints"))) {
                ckpts = s.filter(p -> p.getFileName().toString().matches("step-\\d{8}")).sorted().toList();
            }
            if (ckpts.isEmpty()) throw new IllegalArgumentException("--run " + run + " holds no checkpoint");
            List<String> metrics = java.nio.file.Files.readAllLines(run.resolve("metrics.jsonl"));
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var last = json.readTree(metrics.get(metrics.size() - 1));
            java.util.Map<String, Object> card = new java.util.LinkedHashMap<>();
            StringBuilder curve = new StringBuilder("step,tokens_seen,held_out_loss\n");
            try (Backend be = backend.create()) {
                Gpt fin = null;
                double finalLoss = Double.NaN;
                long tokensPerStep = 0;
                for (Path c : ckpts) {
                    var loaded = dev.flan4j.model.Checkpoint.load(c, be);
                    if (!(loaded.model() instanceof Gpt m)) {
                        loaded.model().close();
                        if (fin != null) fin.close();
                        throw new IllegalArgumentException("--run " + run + ": " + c + " holds a "
                                + loaded.model().config().family() + " model; shipped models are GPT-2");
                    }
                    ModelLoader.requireMatch(m, tok);
                    int step = ((Number) loaded.state().get("step")).intValue();
                    String tc = String.valueOf(loaded.state().get("train_config"));
                    tokensPerStep = rowsTimesLength(tc);
                    HeldOutLoss.Result r = HeldOutLoss.of(m, tok, valid, m.config().blockSize(), 8, 0);
                    curve.append(step).append(',').append((long) step * tokensPerStep).append(',')
                            .append(String.format(java.util.Locale.ROOT, "%.4f", r.loss())).append('\n');
                    System.out.printf("step %d: held-out loss %.4f%n", step, r.loss());
                    if (fin != null) fin.close();
                    fin = m;
                    finalLoss = r.loss();
                    card.put("held_out_tokens", r.tokens());
                }
                int steps = last.path("step").asInt();
                card.put("summary", summary);
                card.put("architecture", "gpt2");
                card.put("config", fin.config());
                card.put("parameters", fin.numParameters());
                card.put("tokenizer", tokenizer);
                card.put("dtype", dtype);
                card.put("steps", steps);
                card.put("tokens_seen", (long) steps * tokensPerStep);
                card.put("final_train_loss", last.path("loss").asDouble());
                card.put("held_out_loss", finalLoss);
                card.put("held_out_split", "valid (" + valid.size() + " documents of the built-in corpus, never trained on)");
                card.put("wall_seconds", last.path("elapsed_s").asDouble());
                card.put("machine", machine);
                card.put("command", command);
                card.put("commit", commit);
                Path dir = into.resolve(name);
                dev.flan4j.model.hf.HfGpt2.export(fin, dir, tok.eotToken(), dtype);
                dev.flan4j.model.AtomicFiles.writeString(dir.resolve("card.json"),
                        json.writerWithDefaultPrettyPrinter().writeValueAsString(card) + "\n");
                dev.flan4j.model.AtomicFiles.writeString(dir.resolve("held_out.csv"), curve.toString());
                java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
                try (var z = new java.util.zip.GZIPOutputStream(gz)) {   // no file name, mtime 0: reproducible bytes
                    z.write((String.join("\n", metrics) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                dev.flan4j.model.AtomicFiles.write(dir.resolve("metrics.jsonl.gz"),
                        ch -> {
                            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(gz.toByteArray());
                            while (b.hasRemaining()) ch.write(b);
                        });
                Path index = into.resolve("index.json");
                java.util.List<String> names = new java.util.ArrayList<>();
                if (java.nio.file.Files.exists(index)) json.readTree(index.toFile()).path("models").forEach(n -> names.add(n.asText()));
                if (!names.contains(name)) names.add(name);
                dev.flan4j.model.AtomicFiles.writeString(index, json.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(java.util.Map.of("models", names)) + "\n");
                System.out.printf("packed %s into %s: %d parameters, %d tokens seen, held-out loss %.4f nats/token%n",
                        name, dir, fin.numParameters(), (long) steps * tokensPerStep, finalLoss);
                fin.close();
            }
            return 0;
        }

        /** batchRows * seqLen * gradAccum from a recorded TrainConfig string. */
        static long rowsTimesLength(String trainConfig) {
            java.util.regex.Matcher b = java.util.regex.Pattern.compile("batchRows=(\\d+)").matcher(trainConfig);
            java.util.regex.Matcher t = java.util.regex.Pattern.compile("seqLen=(\\d+)").matcher(trainConfig);
            java.util.regex.Matcher g = java.util.regex.Pattern.compile("gradAccum=(\\d+)").matcher(trainConfig);
            if (!b.find() || !t.find() || !g.find()) {
                throw new IllegalArgumentException("checkpoint train_config lacks batchRows/seqLen/gradAccum: " + trainConfig);
            }
            return Long.parseLong(b.group(1)) * Long.parseLong(t.group(1)) * Long.parseLong(g.group(1));
        }
    }
}
