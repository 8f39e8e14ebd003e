import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.Example;
import dev.flan4j.data.Instance;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Template;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.eval.RankScorer;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.hf.HfGpt2;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import dev.flan4j.train.PromptEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * flan4j's side of the external checks: loads the exported Hugging Face folder (so both sides run the same weights),
 * scores a built-in classification dataset's test examples with the Evaluator's rank classification and generates
 * for a translation dataset, and writes what lm-evaluation-harness and sacreBLEU need next to flan4j's numbers.
 *
 *   java -cp flan4j-all.jar scripts/lmeval/FlanScores.java HF_DIR OUT_DIR CLS_DATASET N GEN_DATASET M
 */
public class FlanScores {
    public static void main(String[] a) throws Exception {
        Path hf = Path.of(a[0]), out = Path.of(a[1]);
        String clsName = a[2], genName = a[4];
        int n = Integer.parseInt(a[3]), m = Integer.parseInt(a[5]);
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper();
        Tokenizer tok = Tokenizers.byName("mini-bpe");
        Collection coll = Collection.builtIn();
        try (CpuBackend be = new CpuBackend(); Gpt model = HfGpt2.load(hf, be)) {
            Evaluator ev = new Evaluator(model, tok, new Evaluator.Options(PromptFormat.FLAN, 0, 0, 0, 24, 1));
            PromptEncoder enc = new PromptEncoder(tok, false);

            // Rank classification: first template, the first n test examples whose prompt + options fit the block.
            Dataset d = coll.dataset(clsName);
            Template t = PromptFormat.FLAN.templates(d).stream().filter(x -> !x.turnedAround()).findFirst().orElseThrow();
            List<Example> picked = new ArrayList<>();
            for (Example e : d.examples("test")) {
                Instance inst = PromptFormat.FLAN.render(d, e, t);
                int longest = inst.options().stream().mapToInt(o -> enc.continuationTokens(o).length).max().orElse(1);
                if (enc.prompt(inst.input()).length + longest - 1 <= model.config().blockSize()) picked.add(e);
                if (picked.size() == n) break;
            }
            List<RankScorer.Result> res = ev.rank(d, t, picked);
            StringBuilder docs = new StringBuilder();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < picked.size(); i++) {
                Instance inst = PromptFormat.FLAN.render(d, picked.get(i), t);
                RankScorer.Result r = res.get(i);
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("id", picked.get(i).id());
                // instruction style: input, then the end-of-text separator; options follow with no space
                doc.put("prompt", inst.input() + "<|endoftext|>");
                doc.put("choices", inst.options());
                doc.put("gold", r.gold());
                docs.append(json.writeValueAsString(doc)).append('\n');
                Map<String, Object> row = new LinkedHashMap<>(doc);
                row.put("prompt_tokens", enc.prompt(inst.input()));
                row.put("loglikelihoods", r.logLikelihoods());
                row.put("acc", r.correct() ? 1 : 0);
                row.put("acc_norm", r.correctNorm() ? 1 : 0);
                row.put("acc_bytes", r.correctBytes() ? 1 : 0);
                rows.add(row);
            }
            Files.writeString(out.resolve("docs.jsonl"), docs.toString());
            RankScorer.Accuracy acc = RankScorer.accuracy(res);
            Map<String, Object> cls = new LinkedHashMap<>();
            cls.put("dataset", clsName);
            cls.put("template", t.name());
            cls.put("n", picked.size());
            cls.put("acc", acc.acc());
            cls.put("acc_norm", acc.accNorm());
            cls.put("acc_bytes", acc.accBytes());
            cls.put("examples", rows);
            json.enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("flan4j_rank.json").toFile(), cls);

            // Generation: the first template of a translation dataset on its first m test examples.
            Dataset g = coll.dataset(genName);
            Template gt = PromptFormat.FLAN.templates(g).stream().filter(x -> !x.turnedAround()).findFirst().orElseThrow();
            List<Example> ge = g.examples("test").subList(0, Math.min(m, g.examples("test").size()));
            List<String> preds = ev.generate(g, gt, ge);
            List<List<String>> refs = new ArrayList<>();
            for (Example e : ge) refs.add(List.of(PromptFormat.FLAN.render(g, e, gt).target()));
            Map<String, Object> gen = new LinkedHashMap<>();
            gen.put("dataset", genName);
            gen.put("template", gt.name());
            gen.put("predictions", preds);
            gen.put("references", refs.stream().map(r -> r.get(0)).toList());
            gen.put("bleu", Evaluator.generationScore(g, preds, refs));
            json.writeValue(out.resolve("flan4j_generation.json").toFile(), gen);
            System.out.printf("flan4j: %s %s n=%d acc %.4f acc_norm %.4f; %s BLEU %.2f on %d%n", clsName, t.name(),
                    picked.size(), acc.acc(), acc.accNorm(), genName, (double) gen.get("bleu"), preds.size());
        }
    }
}
