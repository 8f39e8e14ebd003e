package dev.flan4j.minidata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Sentiment (UCI sentiment labelled sentences) and summarization (Debian package descriptions). */
final class SimpleTasks {
    private SimpleTasks() {}

    static List<Dataset> sentiment(Generate g) throws IOException {
        List<Dataset> out = new ArrayList<>();
        String[][] domains = {{"amazon", "product", "Amazon product reviews"}, {"imdb", "movie", "IMDb movie reviews"},
                {"yelp", "restaurant", "Yelp restaurant reviews"}};
        for (String[] dom : domains) {
            String what = dom[1];
            Dataset d = new Dataset("sentiment_" + dom[0], "sentiment").classification(List.of("negative", "positive"))
                    .sizes(3000, 200, 300);
            d.t("Review: {sentence}\nIs this " + what + " review positive or negative?\n{options_}", "{answer}")
             .t("\"{sentence}\"\nWhat is the sentiment of this " + what + " review?\n{options_}", "{answer}")
             .t("Here is a " + what + " review: {sentence}\nDid the reviewer like it or not? Answer positive or negative.\n{options_}", "{answer}")
             .t("{sentence}\n\nHow would you describe the sentiment of this review?\n{options_}", "{answer}")
             .t("Determine whether the following " + what + " review expresses a positive or a negative opinion.\n\n{sentence}\n{options_}", "{answer}")
             .t("Short review: \"{sentence}\"\nThe reviewer's opinion is\n{options_}", "{answer}")
             .t("Would you say this " + what + " review is positive or negative?\n\nReview: {sentence}\n{options_}", "{answer}")
             .turned("Write a short {answer} " + what + " review.", "{sentence}")
             .turned("Generate a one-sentence " + what + " review that is {answer}.", "{sentence}");
            d.card("npm sentiment 5.0.2, test/fixtures/" + dom[0] + ".json (UCI Sentiment Labelled Sentences, Kotzias et al. 2015)",
                    "5.0.2", "CC BY 4.0 (data); MIT (package)",
                    "given by the source (class 0 = negative, 1 = positive)",
                    "One-sentence " + dom[2] + " labelled positive or negative (like SST-2/Yelp in FLAN). Sentences with "
                            + "profanity or slurs are dropped.");
            for (Sources.Labeled l : g.src.sentiment(dom[0])) {
                String s = Text.normalize(l.text());
                if (s.isEmpty() || Text.offensive(s) || Text.words(s) < 3) continue;
                d.add().field("sentence", s).answer(l.label() == 1 ? "positive" : "negative").dedup(s.toLowerCase());
            }
            out.add(d);
        }
        return out;
    }

    static Dataset debianSummaries(Generate g) throws IOException {
        Dataset d = new Dataset("debian_summaries", "summarization").generation("rouge").sizes(3000, 200, 400);
        d.t("{description}\n\nWrite a one-line summary of this software package description.", "{answer}")
         .t("Package description:\n{description}\n\nSummarize it in a few words.", "{answer}")
         .t("Summarize the following text in one short line:\n\n{description}", "{answer}")
         .t("{description}\n\nWhat is a short title for this package?", "{answer}")
         .t("Read the description of a software package and give its short synopsis.\n\n{description}\n\nSynopsis:", "{answer}")
         .t("Here is the long description of a Debian package:\n\n{description}\n\nTL;DR:", "{answer}")
         .t("Condense this description into a headline of at most ten words:\n{description}", "{answer}")
         .turned("Write a paragraph describing a software package whose summary is \"{answer}\".", "{description}")
         .turned("Synopsis: {answer}\n\nExpand this synopsis into a full package description.", "{description}");
        String sha = "";
        java.nio.file.Path tr = g.src.root.resolve("debian-translation-en.txt");
        if (java.nio.file.Files.exists(tr)) {
            try {
                byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(tr));
                sha = ", Translation-en sha256 " + java.util.HexFormat.of().formatHex(h).substring(0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        d.card("Debian bookworm main, dists/bookworm/main/i18n/Translation-en (package descriptions)", "bookworm (12)" + sha,
                "per-package Debian description texts; descriptions are short factual summaries distributed with Debian "
                        + "under the licences of their packages (DFSG-free)",
                "given by the source: the synopsis line written by the package maintainer is the summary",
                "Long package description (first paragraphs, truncated to ~150 words) -> one-line synopsis. Packages "
                        + "sharing a description (e.g. -dev/-doc variants) are deduplicated; trivial descriptions dropped.");
        java.util.Set<String> seenSyn = new java.util.HashSet<>();
        for (Sources.PackageDescription p : g.src.debianDescriptions()) {
            String desc = p.description();
            if (desc.isEmpty() || p.pkg().matches(".*-(dev|doc|dbg|dbgsym|data|common|examples|l10n|locales?)$")) continue;
            String lowSyn = p.synopsis().toLowerCase();
            if (lowSyn.contains("metapackage") || lowSyn.contains("transitional") || lowSyn.contains("dummy")) continue;
            // drop boilerplate lists and the common "This package contains ..." trailers
            StringBuilder sb = new StringBuilder();
            for (String para : desc.split("\n\n")) {
                // cut a paragraph at its first list item; drop it if what is left introduces a list
                StringBuilder kept = new StringBuilder();
                for (String line : para.split("\n")) {
                    String tl = line.trim();
                    if (tl.startsWith("*") || tl.startsWith("-") || tl.startsWith("o ") || tl.startsWith("+")) break;
                    kept.append(line).append('\n');
                }
                String n = Text.normalize(kept.toString());
                if (n.endsWith(":")) continue;
                if (n.isEmpty() || kept.toString().contains("  ")) continue;
                if (n.startsWith("This package contains") || n.startsWith("This package provides the")) continue;
                if (sb.length() > 0) sb.append(' ');
                sb.append(n);
            }
            String text = sb.toString();
            if (Text.words(text) < 20) continue;
            text = Text.truncateWords(text, 150);
            String syn = Text.normalize(p.synopsis());
            if (Text.words(syn) < 2 || Text.offensive(text) || Text.offensive(syn)) continue;
            if (!seenSyn.add(syn.toLowerCase())) continue;
            if (text.toLowerCase().contains(syn.toLowerCase())) continue; // too easy: synopsis copied verbatim
            d.add().field("description", text).answer(syn).dedup(text);
        }
        return d;
    }
}
