package dev.flan4j.minidata;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Lays out the committed fixture sources (small excerpts in each source's format) in a temporary folder the way
 * fetch-sources.sh does. The two binary formats are written here from committed text: SWORD zText modules from
 * {@code sword/<module>.tsv} (reference TAB raw OSIS verse) and R lazy-load data from {@code austen/<book>.txt}.
 */
final class FixtureSources {
    private FixtureSources() {}

    static Path fixtureRoot() {
        try {
            return Path.of(FixtureSources.class.getResource("/fixture-sources").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path prepare(Path dir) throws IOException {
        Path root = fixtureRoot();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                Path rel = root.relativize(p);
                if (rel.toString().startsWith("sword") || rel.toString().startsWith("austen")) continue;
                Path t = dir.resolve(rel.toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        String[][] mods = {{"sword-text-kjv", "engKJV2006eb"}, {"sword-text-web", "engWEB2015eb"}, {"sword-text-sparv", "spaRV1909eb"}};
        for (String[] m : mods) {
            Path tsv = root.resolve("sword/" + m[1] + ".tsv");
            writeSword(tsv, dir.resolve("deb/" + m[0] + "/usr/share/sword/modules/texts/ztext/" + m[1]));
        }
        Map<String, List<String>> books = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(root.resolve("austen"))) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator)
                books.put(p.getFileName().toString().replace(".txt", ""), Files.readAllLines(p, StandardCharsets.UTF_8));
        }
        writeRData(books, dir.resolve("deb/r-cran-janeaustenr/usr/lib/R/site-library/janeaustenr/data"));
        return dir;
    }

    static final Set<String> NT = Set.of("Matt", "Mark", "Luke", "John", "Acts", "Rom", "Rev");

    /** Writes a zText module (one zlib block per book) from "Book.c.v TAB osis" lines. */
    static void writeSword(Path tsv, Path out) throws IOException {
        Files.createDirectories(out);
        // book -> chapter -> verses
        LinkedHashMap<String, LinkedHashMap<Integer, List<String>>> books = new LinkedHashMap<>();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            int tab = line.indexOf('\t');
            String[] ref = line.substring(0, tab).split("\\.");
            books.computeIfAbsent(ref[0], k -> new LinkedHashMap<>())
                    .computeIfAbsent(Integer.parseInt(ref[1]), k -> new ArrayList<>()).add(line.substring(tab + 1));
        }
        for (String t : List.of("ot", "nt")) {
            List<List<String>> blocks = new ArrayList<>(); // entries per block
            List<int[]> index = new ArrayList<>(); // block, entry within block (or -1 for empty)
            index.add(new int[] {-1, -1});
            index.add(new int[] {-1, -1});
            for (Map.Entry<String, LinkedHashMap<Integer, List<String>>> b : books.entrySet()) {
                if (NT.contains(b.getKey()) != t.equals("nt")) continue;
                List<String> block = new ArrayList<>();
                int bi = blocks.size();
                blocks.add(block);
                block.add("<div osisID=\"" + b.getKey() + "\" type=\"book\"/>");
                index.add(new int[] {bi, 0});
                int max = 0;
                for (int c : b.getValue().keySet()) max = Math.max(max, c);
                for (int c = 1; c <= max; c++) {
                    String id = b.getKey() + "." + c;
                    block.add("<chapter n=\"" + c + "\" osisID=\"" + id + "\" sID=\"" + id + "\"/>");
                    index.add(new int[] {bi, block.size() - 1});
                    for (String v : b.getValue().getOrDefault(c, List.of())) {
                        block.add(v);
                        index.add(new int[] {bi, block.size() - 1});
                    }
                }
            }
            ByteArrayOutputStream bzz = new ByteArrayOutputStream();
            ByteBuffer bzs = ByteBuffer.allocate(12 * blocks.size()).order(ByteOrder.LITTLE_ENDIAN);
            List<int[]> offsets = new ArrayList<>(); // per block: start offsets of entries
            for (List<String> block : blocks) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                int[] offs = new int[block.size() * 2];
                for (int i = 0; i < block.size(); i++) {
                    byte[] b = block.get(i).getBytes(StandardCharsets.UTF_8);
                    offs[2 * i] = raw.size();
                    offs[2 * i + 1] = b.length;
                    raw.write(b);
                }
                offsets.add(offs);
                byte[] comp = zlib(raw.toByteArray());
                bzs.putInt(bzz.size()).putInt(comp.length).putInt(raw.size());
                bzz.write(comp);
            }
            ByteBuffer bzv = ByteBuffer.allocate(10 * index.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] e : index) {
                if (e[0] < 0) bzv.putInt(0).putInt(0).putShort((short) 0);
                else bzv.putInt(e[0]).putInt(offsets.get(e[0])[2 * e[1]]).putShort((short) offsets.get(e[0])[2 * e[1] + 1]);
            }
            Files.write(out.resolve(t + ".bzs"), bzs.array());
            Files.write(out.resolve(t + ".bzv"), bzv.array());
            Files.write(out.resolve(t + ".bzz"), bzz.toByteArray());
        }
    }

    static byte[] zlib(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(bo, new Deflater(9))) {
            d.write(b);
        }
        return bo.toByteArray();
    }

    // ---- R lazy-load database (XDR serialization version 2) ----
    static void writeRData(Map<String, List<String>> vars, Path out) throws IOException {
        Files.createDirectories(out);
        ByteArrayOutputStream rdb = new ByteArrayOutputStream();
        Map<String, int[]> pos = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> v : vars.entrySet()) {
            ByteArrayOutputStream ser = new ByteArrayOutputStream();
            DataOutputStream d = header(ser);
            strsxp(d, v.getValue(), false);
            d.flush();
            byte[] raw = ser.toByteArray();
            byte[] comp = zlib(raw);
            int off = rdb.size();
            rdb.write(ByteBuffer.allocate(4).putInt(raw.length).array());
            rdb.write(comp);
            pos.put(v.getKey(), new int[] {off, 4 + comp.length});
        }
        Files.write(out.resolve("Rdata.rdb"), rdb.toByteArray());
        ByteArrayOutputStream idx = new ByteArrayOutputStream();
        DataOutputStream d = header(idx);
        // list(variables = list(name = c(off, len), ...), references = list(), compressed = TRUE)
        d.writeInt(19 | (1 << 9));
        d.writeInt(3);
        d.writeInt(19 | (1 << 9));
        d.writeInt(pos.size());
        for (int[] p : pos.values()) {
            d.writeInt(13);
            d.writeInt(2);
            d.writeInt(p[0]);
            d.writeInt(p[1]);
        }
        namesAttr(d, new ArrayList<>(pos.keySet()));
        d.writeInt(19);
        d.writeInt(0);
        d.writeInt(10);
        d.writeInt(1);
        d.writeInt(1);
        namesAttr(d, List.of("variables", "references", "compressed"));
        d.flush();
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(out.resolve("Rdata.rdx")))) {
            gz.write(idx.toByteArray());
        }
    }

    static DataOutputStream header(ByteArrayOutputStream bo) throws IOException {
        DataOutputStream d = new DataOutputStream(bo);
        d.writeBytes("X\n");
        d.writeInt(2);
        d.writeInt(0x040201);
        d.writeInt(0x020300);
        return d;
    }

    static void strsxp(DataOutputStream d, List<String> values, boolean attr) throws IOException {
        d.writeInt(16 | (attr ? 1 << 9 : 0));
        d.writeInt(values.size());
        for (String s : values) {
            if (s == null) {
                d.writeInt(9);
                d.writeInt(-1);
                continue;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            d.writeInt(9 | (8 << 12)); // CHARSXP, UTF8 mask
            d.writeInt(b.length);
            d.write(b);
        }
    }

    static void namesAttr(DataOutputStream d, List<String> names) throws IOException {
        d.writeInt(2 | (1 << 10)); // LISTSXP with tag
        d.writeInt(1); // SYMSXP
        byte[] n = "names".getBytes(StandardCharsets.UTF_8);
        d.writeInt(9 | (64 << 12)); // CHARSXP, ASCII mask
        d.writeInt(n.length);
        d.write(n);
        strsxp(d, names, false);
        d.writeInt(254); // NILVALUE ends the pairlist
    }
}
