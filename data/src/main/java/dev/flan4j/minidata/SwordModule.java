package dev.flan4j.minidata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a SWORD zText module (CompressType=ZIP, BlockType=BOOK): per testament, {@code .bzs} block index (offset, size,
 * uncompressed size: 3 x uint32 LE), {@code .bzv} verse index (block, offset, size: uint32, uint32, uint16 LE) and
 * {@code .bzz} zlib blocks. Verses are located by the OSIS chapter markers the importer leaves in chapter-heading
 * slots, so modules of different versifications can be aligned by reference (Book.chapter.verse).
 */
public final class SwordModule {
    private SwordModule() {}

    private static final Pattern CHAPTER = Pattern.compile("<chapter\\b[^>]*\\bosisID=\"([^\"]+)\"[^>]*\\bsID=");

    /** Returns reference -> cleaned verse text, in module order. */
    public static LinkedHashMap<String, String> read(Path moduleDir) throws IOException {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (String t : List.of("ot", "nt")) {
            Path bzs = moduleDir.resolve(t + ".bzs");
            if (!Files.exists(bzs)) continue;
            List<String> raw = readEntries(bzs, moduleDir.resolve(t + ".bzv"), moduleDir.resolve(t + ".bzz"));
            assign(raw, out);
        }
        return out;
    }

    static List<String> readEntries(Path bzsP, Path bzvP, Path bzzP) throws IOException {
        ByteBuffer bzs = ByteBuffer.wrap(Files.readAllBytes(bzsP)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bzv = ByteBuffer.wrap(Files.readAllBytes(bzvP)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] bzz = Files.readAllBytes(bzzP);
        int nBlocks = bzs.capacity() / 12;
        byte[][] cache = new byte[nBlocks][];
        java.util.ArrayList<String> entries = new java.util.ArrayList<>();
        while (bzv.remaining() >= 10) {
            int block = bzv.getInt();
            int off = bzv.getInt();
            int size = Short.toUnsignedInt(bzv.getShort());
            if (size == 0 || block < 0 || block >= nBlocks) {
                entries.add("");
                continue;
            }
            if (cache[block] == null) {
                int bo = bzs.getInt(block * 12);
                int bs = bzs.getInt(block * 12 + 4);
                cache[block] = inflate(bzz, bo, bs);
            }
            byte[] b = cache[block];
            int end = Math.min(b.length, off + size);
            entries.add(off >= end ? "" : new String(b, off, end - off, StandardCharsets.UTF_8));
        }
        return entries;
    }

    private static byte[] inflate(byte[] data, int off, int len) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data, off, len);
            ByteArrayOutputStream bo = new ByteArrayOutputStream(len * 4);
            byte[] buf = new byte[65536];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                bo.write(buf, 0, n);
            }
            return bo.toByteArray();
        } catch (DataFormatException e) {
            throw new IOException("bad zlib block in SWORD module", e);
        } finally {
            inf.end();
        }
    }

    /** Walks index slots: a chapter marker starts a chapter; the slot before a chapter-1 marker is a book intro. */
    static void assign(List<String> raw, Map<String, String> out) {
        int n = raw.size();
        String[] chapterAt = new String[n];
        for (int i = 0; i < n; i++) {
            Matcher m = CHAPTER.matcher(raw.get(i));
            if (m.find()) chapterAt[i] = m.group(1);
        }
        String chapter = null;
        int verse = 0;
        for (int i = 0; i < n; i++) {
            if (chapterAt[i] != null) {
                chapter = chapterAt[i];
                verse = 0;
                continue;
            }
            if (chapter == null) continue;
            if (i + 1 < n && chapterAt[i + 1] != null && chapterAt[i + 1].endsWith(".1")) { // book intro slot
                chapter = null;
                continue;
            }
            verse++;
            String text = clean(raw.get(i));
            if (!text.isEmpty()) out.put(chapter + "." + verse, text);
        }
    }

    private static final Pattern NOTE = Pattern.compile("<note\\b.*?</note>", Pattern.DOTALL);
    private static final Pattern TITLE = Pattern.compile("<title\\b.*?</title>", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    /** Removes notes, headings and all markup; normalises whitespace and typography. */
    public static String clean(String osis) {
        String s = NOTE.matcher(osis).replaceAll(" ");
        s = TITLE.matcher(s).replaceAll(" ");
        s = TAG.matcher(s).replaceAll("");
        s = s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'");
        s = Text.normalize(s);
        return s.replaceAll(" ([,.;:!?])", "$1");
    }
}
