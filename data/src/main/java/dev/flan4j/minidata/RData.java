package dev.flan4j.minidata;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A minimal reader of R's lazy-load data databases ({@code Rdata.rdx} + {@code Rdata.rdb}) as shipped by Debian's
 * r-cran-* packages. The index is a gzip'd XDR serialization of {@code list(variables=, references=, compressed=)};
 * each variable points to a blob of the .rdb: a 4-byte big-endian uncompressed length followed by a zlib stream of an
 * XDR serialization. Supports the types data packages use for text: character, integer, double, logical, list,
 * pairlist (attributes), symbols and references.
 */
public final class RData {
    private RData() {}

    /** Reads all variables that are character vectors: name -> strings (NA as null). */
    public static LinkedHashMap<String, List<String>> readCharacterVariables(Path rdx, Path rdb) throws IOException {
        Object index;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(rdx))) {
            index = unserialize(in);
        }
        RList top = (RList) index;
        RList vars = (RList) top.get("variables");
        byte[] db = Files.readAllBytes(rdb);
        LinkedHashMap<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < vars.values.size(); i++) {
            String name = vars.names.get(i);
            Object pos = vars.values.get(i);
            int off;
            int len;
            if (pos instanceof int[] ia) { off = ia[0]; len = ia[1]; }
            else { double[] da = (double[]) pos; off = (int) da[0]; len = (int) da[1]; }
            InputStream blob = new InflaterInputStream(new ByteArrayInputStream(db, off + 4, len - 4));
            Object v = unserialize(blob);
            if (v instanceof RStrings s) out.put(name, s.values);
        }
        return out;
    }

    public static final class RList {
        public final List<Object> values = new ArrayList<>();
        public final List<String> names = new ArrayList<>();

        Object get(String name) {
            int i = names.indexOf(name);
            return i < 0 ? null : values.get(i);
        }
    }

    public record RStrings(List<String> values) {}

    record Sym(String name) {}

    public static Object unserialize(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] fmt = new byte[2];
        in.readFully(fmt);
        if (fmt[0] != 'X') throw new IOException("only XDR R serialization is supported");
        int version = in.readInt();
        in.readInt();
        in.readInt();
        if (version == 3) {
            int n = in.readInt();
            in.readFully(new byte[n]);
        }
        return new Reader(in).item();
    }

    private static final class Reader {
        final DataInputStream in;
        final List<Object> refs = new ArrayList<>();

        Reader(DataInputStream in) { this.in = in; }

        Object item() throws IOException {
            int flags = in.readInt();
            int type = flags & 0xFF;
            boolean hasAttr = (flags & (1 << 9)) != 0;
            boolean hasTag = (flags & (1 << 10)) != 0;
            switch (type) {
                case 254: case 242: case 253: case 252: case 251: return null; // NILVALUE, EMPTYENV, GLOBALENV, ...
                case 255: { // REFSXP
                    int idx = flags >>> 8;
                    if (idx == 0) idx = in.readInt();
                    return refs.get(idx - 1);
                }
                case 1: { // SYMSXP
                    Object c = item();
                    Sym s = new Sym((String) c);
                    refs.add(s);
                    return s;
                }
                case 9: { // CHARSXP
                    int len = in.readInt();
                    if (len == -1) return null;
                    byte[] b = new byte[len];
                    in.readFully(b);
                    boolean latin1 = ((flags >>> 12) & 4) != 0; // LATIN1_MASK in the levels
                    return new String(b, latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                }
                case 2: { // LISTSXP (pairlist)
                    RList l = new RList();
                    int f = flags;
                    while (true) {
                        boolean attr = (f & (1 << 9)) != 0;
                        boolean tag = (f & (1 << 10)) != 0;
                        if (attr) item();
                        String name = null;
                        if (tag) {
                            Object t = item();
                            name = t instanceof Sym s ? s.name : String.valueOf(t);
                        }
                        l.names.add(name);
                        l.values.add(item());
                        int next = in.readInt();
                        if ((next & 0xFF) == 254) break;
                        if ((next & 0xFF) != 2) throw new IOException("unsupported pairlist tail type " + (next & 0xFF));
                        f = next;
                    }
                    return l;
                }
                case 16: { // STRSXP
                    int n = readLength();
                    List<String> v = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) v.add((String) item());
                    if (hasAttr) item();
                    return new RStrings(v);
                }
                case 13: case 10: { // INTSXP, LGLSXP
                    int n = readLength();
                    int[] v = new int[n];
                    for (int i = 0; i < n; i++) v[i] = in.readInt();
                    if (hasAttr) item();
                    return v;
                }
                case 14: { // REALSXP
                    int n = readLength();
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) v[i] = in.readDouble();
                    if (hasAttr) item();
                    return v;
                }
                case 19: { // VECSXP
                    int n = readLength();
                    RList l = new RList();
                    for (int i = 0; i < n; i++) {
                        l.values.add(item());
                        l.names.add(null);
                    }
                    if (hasAttr) {
                        Object a = item();
                        if (a instanceof RList attrs && attrs.get("names") instanceof RStrings ns) {
                            for (int i = 0; i < n && i < ns.values.size(); i++) l.names.set(i, ns.values.get(i));
                        }
                    }
                    return l;
                }
                default:
                    throw new IOException("unsupported R SEXP type " + type + (hasTag ? " (tagged)" : ""));
            }
        }

        int readLength() throws IOException {
            int n = in.readInt();
            if (n == -1) {
                long hi = in.readInt() & 0xFFFFFFFFL;
                long lo = in.readInt() & 0xFFFFFFFFL;
                return (int) ((hi << 32) | lo);
            }
            return n;
        }
    }
}
