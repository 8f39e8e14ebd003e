package dev.flan4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.model.Batch;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.model.hf.HfLlama;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.model.llama.LlamaConfig;
import dev.flan4j.tokenizer.HfTokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on a Llama-family model: a tiny random Hugging Face Llama folder is tuned, scored, generated from
 * and exported back to Hugging Face's layout, whose logits are the tuned checkpoint's; a folder's own tokenizer.json is
 * used and travels with the run; unsupported folders are refused naming the field.
 */
class LlamaCliTest {
    @TempDir Path tmp;
    private final CpuBackend be = new CpuBackend();

    /** A random GQA Llama (2 query heads on 1 KV head, tied head) of vocabulary {@code vocab}, as a Hugging Face folder. */
    private Path llamaFolder(String name, int vocab, int eos) throws IOException {
        LlamaConfig c = new LlamaConfig("llama", vocab, 64, 1, 2, 1, 16, 8, 24, 1e-5, 10000, null, true, false, false);
        Path dir = tmp.resolve(name);
        try (Llama m = Llama.initialized(c, be, 7)) {
            HfLlama.export(m, dir, null, eos);
        }
        return dir;
    }

    @Test
    void tuneEvalGenerateAndExportALlamaFolder() throws Exception {
        int vocab = Tokenizers.byName("mini-bpe").vocabSize();
        Path base = llamaFolder("base", vocab, vocab - 1), run = tmp.resolve("run"), export = tmp.resolve("export");
        CliRobustnessTest.Run r = CliRobustnessTest.runCapturingStdout("tune", "--from", base.toString(), "--clusters",
                "sentiment", "--steps", "2", "--batch", "2", "--seq-len", "32", "--lr", "1e-2", "--warmup", "0", "--backend", "cpu",
                "--no-progress", "--out", run.toString(), "--export-hf", export.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("final loss") && r.out().contains("exported Hugging Face llama folder " + export), r.out());
        assertFalse(r.err().contains("tokenizer:"), "mini-bpe is the default without a tokenizer.json: " + r.err());

        r = CliRobustnessTest.runCapturingStdout("eval", "--model", run.toString(), "--clusters", "sentiment",
                "--max-examples", "2", "--max-dev", "1", "--backend", "cpu", "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[cluster average]") && r.out().contains("sentiment"), r.out());
        r = CliRobustnessTest.runCapturingStdout("generate", "--model", run.toString(), "--prompt", "Is this review positive?",
                "--max-tokens", "4", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());

        Path ckpt = run.resolve("checkpoints").resolve("step-00000002");
        Batch b = Batch.rows(1, 6, new int[]{5, 17, 300, 2, 4000, 9}, new int[]{17, 300, 2, 4000, 9, 1});
        try (CausalLm tuned = Checkpoint.load(ckpt, be).model(); Llama exported = HfLlama.load(export, be);
             Llama original = HfLlama.load(base, be)) {
            assertEquals(tuned.config(), exported.config());
            tuned.forward(b);
            exported.forward(b);
            original.forward(b);
            float[] want = be.toArray(tuned.logits()), got = be.toArray(exported.logits()), before = be.toArray(original.logits());
            double worst = 0, moved = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(want[i] - got[i]));
                moved = Math.max(moved, Math.abs(want[i] - before[i]));
            }
            assertTrue(worst <= 1e-5, "export logits differ from the checkpoint's by " + worst);
            assertTrue(moved > 1e-3, "tuning changed the model (logits moved by " + moved + ")");
        }
        ObjectMapper json = new ObjectMapper();
        assertEquals(vocab - 1, json.readTree(export.resolve("config.json").toFile()).path("eos_token_id").asInt());
    }

    /**
     * A byte-level BPE tokenizer.json with no merges (one token per byte, ids 0-255 in byte order, as GPT-2 maps bytes
     * to characters) and {@code <|endoftext|>} = 256: the Hugging Face format, small enough to write here.
     */
    private static void writeByteTokenizer(Path dir) throws IOException {
        List<Integer> bs = new ArrayList<>();
        for (int c = '!'; c <= '~'; c++) bs.add(c);
        for (int c = 0xA1; c <= 0xAC; c++) bs.add(c);
        for (int c = 0xAE; c <= 0xFF; c++) bs.add(c);
        int[] ch = new int[256];
        for (int b : bs) ch[b] = b;
        int n = 0;
        for (int b = 0; b < 256; b++) if (!bs.contains(b)) ch[b] = 256 + n++;
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        ObjectNode eot = ((ArrayNode) root.putArray("added_tokens")).addObject();
        eot.put("id", 256).put("content", "<|endoftext|>").put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode v = model.putObject("vocab");
        for (int b = 0; b < 256; b++) v.put(new String(Character.toChars(ch[b])), b);
        v.put("<|endoftext|>", 256);
        model.putArray("merges");
        Files.writeString(dir.resolve(HfTokenizer.FILE), json.writeValueAsString(root));
    }

    @Test
    void theFoldersTokenizerJsonIsUsedAndTravelsWithTheRunAndTheExport() throws Exception {
        Path base = llamaFolder("bytes", 257, 256), run = tmp.resolve("run"), export = tmp.resolve("export");
        writeByteTokenizer(base);
        CliRobustnessTest.Run r = CliRobustnessTest.runCapturingStdout("tune", "--from", base.toString(), "--clusters",
                "sentiment", "--steps", "1", "--batch", "1", "--seq-len", "64", "--backend", "cpu", "--no-progress",
                "--out", run.toString(), "--export-hf", export.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("tokenizer: hf:bytes (" + base.resolve(HfTokenizer.FILE)), r.err());
        for (Path p : List.of(run, export)) {
            assertEquals(Files.readString(base.resolve(HfTokenizer.FILE)), Files.readString(p.resolve(HfTokenizer.FILE)), p.toString());
            try (HfTokenizer t = HfTokenizer.load(p)) {
                assertEquals(256, t.eotToken(), p.toString());
            }
        }
        r = CliRobustnessTest.runCapturingStdout("generate", "--model", run.toString(), "--prompt", "hi", "--max-tokens",
                "3", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("tokenizer: hf:run (" + run.resolve(HfTokenizer.FILE)), r.err());
        // A checkpoint inside the run finds the run's tokenizer; an explicit --tokenizer wins and is checked.
        Path ckpt = run.resolve("checkpoints").resolve("step-00000001");
        r = CliRobustnessTest.runCapturingStdout("generate", "--model", ckpt.toString(), "--prompt", "hi", "--max-tokens",
                "2", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("tokenizer: hf:run"), r.err());
        r = CliRobustnessTest.runCapturingStdout("generate", "--model", run.toString(), "--tokenizer", "mini-bpe",
                "--prompt", "hi", "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the model has a vocabulary of 257 tokens but tokenizer 'mini-bpe' has 4096"), r.err());
    }

    @Test
    void unsupportedFoldersAreRefusedNamingTheField() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mistral"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"mistral\", \"vocab_size\": 4096}");
        CliRobustnessTest.Run r = CliRobustnessTest.run("eval", "--model", dir.toString(), "--clusters", "nli", "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(dir.resolve("config.json") + ": model_type is \"mistral\"")
                && r.err().contains("[gpt2, llama, qwen2]"), r.err());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": 7}");
        r = CliRobustnessTest.run("tune", "--from", dir.toString(), "--out", tmp.resolve("out").toString(), "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("model_type is 7"), r.err());

        // A flan4j Llama checkpoint whose config has a bad field.
        Path ckpt = tmp.resolve("ckpt");
        try (Llama m = Llama.initialized(LlamaConfig.llama(4096, 32, 1, 2, 2, 8, 12, true), be, 1)) {
            Checkpoint.save(ckpt, m);
        }
        Path cfg = ckpt.resolve(Checkpoint.CONFIG);
        Files.writeString(cfg, Files.readString(cfg).replace("\"head_dim\" : 4", "\"head_dim\" : \"four\""));
        r = CliRobustnessTest.run("generate", "--model", ckpt.toString(), "--prompt", "hi", "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(cfg + ": field 'head_dim' must be an integer, got four"), r.err());

        r = CliRobustnessTest.run("pretrain", "--preset", dir.toString(), "--out", tmp.resolve("p").toString(), "--backend", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("pretrain builds a GPT-2 from a preset") && r.err().contains("tune --from " + dir), r.err());
    }
}
