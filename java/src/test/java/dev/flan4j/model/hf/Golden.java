package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.model.Batch;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A golden fixture of {@code src/test/resources/hf/fixtures/} (made by transformers' own modeling code; see the README
 * there): the checkpoint folder and its {@code golden.json}, and the comparison of a model's logits, next-token
 * log-probabilities, argmax and loss with the stored ones.
 */
final class Golden {
    /** The folder that holds the fixtures, their README (provenance) and SHA256SUMS. */
    static final String ROOT = "hf/fixtures";

    /** One input sequence and what transformers computed for it. {@code loss} is null for a single token. */
    record Case(String name, int[] ids, Double loss, int[] argmax, double[] nextTokenLogprobs, int[] logitPositions,
                float[][] logits, JsonNode intermediates) {}

    /** A model under test: logits [T, Vp] (row-major, the first V columns real) and mean loss for labels = ids. */
    interface Model {
        /** Runs the sequence and returns the mean next-token loss (0 when T = 1). */
        double forward(Batch batch);

        float[] logits();

        int paddedVocab();
    }

    /** The largest differences seen over all cases. */
    record Diff(double logits, double logprobs, double loss) {
        @Override public String toString() {
            return String.format("logits %.3g, log-probs %.3g, loss %.3g", logits, logprobs, loss);
        }
    }

    final Path dir;
    final String modelType, dtypeOnDisk;
    final int vocab;
    final List<Case> cases = new ArrayList<>();

    private Golden(Path dir) throws IOException {
        this.dir = dir;
        JsonNode g = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        modelType = g.get("model_type").asText();
        dtypeOnDisk = g.get("weights_dtype_on_disk").asText();
        vocab = g.get("vocab_size").asInt();
        assertEquals("float32", g.get("compute_dtype").asText());
        for (JsonNode c : g.get("cases")) {
            int[] pos = ints(c.get("logit_positions"));
            float[][] logits = new float[pos.length][];
            for (int i = 0; i < pos.length; i++) {
                JsonNode row = c.get("logits").get(i);
                logits[i] = new float[row.size()];
                for (int v = 0; v < row.size(); v++) logits[i][v] = Float.parseFloat(row.get(v).asText());
            }
            JsonNode lp = c.get("next_token_logprobs");
            double[] nll = new double[lp.size()];
            for (int i = 0; i < nll.length; i++) nll[i] = Float.parseFloat(lp.get(i).asText());
            JsonNode loss = c.get("loss");
            cases.add(new Case(c.get("name").asText(), ints(c.get("input_ids")), loss.isNull() ? null : loss.asDouble(),
                    ints(c.get("argmax")), nll, pos, logits, c.get("intermediates")));
        }
    }

    /** The fixture folder {@code hf/fixtures/<name>} from the test resources. */
    static Golden load(String name) throws IOException {
        return new Golden(path(name));
    }

    static Path path(String name) {
        URL u = Golden.class.getClassLoader().getResource(ROOT + "/" + name + "/golden.json");
        assertNotNull(u, "test resource " + ROOT + "/" + name + "/golden.json is missing");
        try {
            return Path.of(u.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Batch of one sequence with labels = ids (HF's shift: target of position t is ids[t+1]). */
    static Batch batch(int[] ids) {
        int[] targets = new int[ids.length];
        for (int t = 0; t < ids.length; t++) targets[t] = t + 1 < ids.length ? ids[t + 1] : Batch.IGNORE;
        return Batch.rows(1, ids.length, ids, targets);
    }

    /**
     * Runs every case and asserts logits and next-token log-probabilities within {@code tol}, the loss within
     * {@code lossTol}, and the argmax wherever transformers' top two logits are further apart than 2 * tol.
     */
    Diff check(Model m, double tol, double lossTol) {
        double dLogit = 0, dLogprob = 0, dLoss = 0;
        int Vp = m.paddedVocab(), V = vocab;
        for (Case c : cases) {
            int T = c.ids().length;
            double loss = m.forward(batch(c.ids()));
            float[] got = m.logits();
            assertEquals((long) T * Vp, got.length, c.name() + ": logits size");
            for (int i = 0; i < c.logitPositions().length; i++) {
                int t = c.logitPositions()[i];
                assertEquals(V, c.logits()[i].length);
                for (int v = 0; v < V; v++) dLogit = Math.max(dLogit, Math.abs(c.logits()[i][v] - got[t * Vp + v]));
            }
            for (int t = 0; t < T; t++) {
                int best = 0;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int v = 0; v < V; v++) {
                    if (got[t * Vp + v] > max) { max = got[t * Vp + v]; best = v; }
                }
                for (int v = 0; v < V; v++) sum += Math.exp(got[t * Vp + v] - max);
                if (t + 1 < T) {
                    double lp = got[t * Vp + c.ids()[t + 1]] - max - Math.log(sum);
                    dLogprob = Math.max(dLogprob, Math.abs(lp - c.nextTokenLogprobs()[t]));
                }
                if (best != c.argmax()[t]) {
                    double gap = got[t * Vp + best] - got[t * Vp + c.argmax()[t]];
                    assertTrue(gap <= 2 * tol, c.name() + ": argmax at position " + t + " is " + best
                            + ", transformers' is " + c.argmax()[t] + " (logit gap " + gap + ")");
                }
            }
            if (c.loss() != null) dLoss = Math.max(dLoss, Math.abs(loss - c.loss()));
            else assertEquals(0.0, loss, c.name() + ": a single token has no target");
        }
        Diff d = new Diff(dLogit, dLogprob, dLoss);
        System.out.println("golden " + dir.getFileName() + " (" + cases.size() + " cases): max |diff| " + d);
        assertTrue(dLogit <= tol, dir.getFileName() + ": max |logit - transformers| = " + dLogit + " > " + tol);
        assertTrue(dLogprob <= tol, dir.getFileName() + ": max |log-prob - transformers| = " + dLogprob + " > " + tol);
        assertTrue(dLoss <= lossTol, dir.getFileName() + ": max |loss - transformers| = " + dLoss + " > " + lossTol);
        return d;
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }
}
