package dev.flan4j.minidata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Paraphrase (KJV vs World English Bible) and translation (KJV vs Reina-Valera 1909) from Debian SWORD modules. */
final class BibleTasks {
    private BibleTasks() {}

    static final String KJV = "Debian sword-text-kjv 14.3-1 (CrossWire engKJV2006eb)";
    static final String WEB = "Debian sword-text-web 426.0-1 (CrossWire engWEB2015eb)";
    static final String RV = "Debian sword-text-sparv 2.60-1 (CrossWire spaRV1909eb)";

    static List<Dataset> build(Generate g) throws IOException {
        LinkedHashMap<String, String> kjv = g.src.sword("sword-text-kjv", "engKJV2006eb");
        LinkedHashMap<String, String> web = g.src.sword("sword-text-web", "engWEB2015eb");
        LinkedHashMap<String, String> rv = g.src.sword("sword-text-sparv", "spaRV1909eb");
        List<Dataset> out = new ArrayList<>();
        if (!kjv.isEmpty() && !web.isEmpty()) out.add(paraphrase(g, kjv, web));
        if (!kjv.isEmpty() && !rv.isEmpty()) out.addAll(translation(g, kjv, rv));
        return out;
    }

    static boolean usable(String v) {
        int n = Text.words(v);
        return n >= 5 && n <= 45 && !Text.offensive(v);
    }

    static Dataset paraphrase(Generate g, Map<String, String> kjv, Map<String, String> web) {
        Dataset d = new Dataset("bible_paraphrase", "paraphrase").classification(List.of("no", "yes")).sizes(3000, 200, 400);
        d.t("Sentence 1: {sentence1}\nSentence 2: {sentence2}\nDo these two sentences mean the same thing?\n{options_}", "{answer}")
         .t("\"{sentence1}\"\n\"{sentence2}\"\nAre these two sentences paraphrases of each other?\n{options_}", "{answer}")
         .t("Here are two sentences:\n{sentence1}\n{sentence2}\nDo they have the same meaning?\n{options_}", "{answer}")
         .t("First: {sentence1}\nSecond: {sentence2}\nIs the second sentence a rewording of the first?\n{options_}", "{answer}")
         .t("Do the following two passages say the same thing in different words?\n\n{sentence1}\n\n{sentence2}\n{options_}", "{answer}")
         .t("{sentence1}\n\nDoes that sentence have the same meaning as \"{sentence2}\"?\n{options_}", "{answer}")
         .turned("Rewrite this old English verse in modern English:\n\n{sentence1}", "{modern}")
         .turned("{modern}\n\nHow would this sentence be phrased in the English of the King James Bible?", "{sentence1}");
        d.card(KJV + "; " + WEB, "KJV 14.3, WEB 426.0", "Public Domain (both texts)",
                "constructed by rule: sentence1 is a King James Version verse; sentence2 is the World English Bible "
                        + "rendering of the same verse (yes) or of the next or previous verse of the same chapter (no). "
                        + "The field 'modern' always holds the WEB rendering of sentence1's verse.",
                "Paraphrase identification between early-modern and modern English translations of the same verse "
                        + "(MRPC/PAWS-like; negatives are topically close neighbouring verses).");
        Random r = g.rng("bible_paraphrase");
        List<String> refs = new ArrayList<>();
        for (String ref : kjv.keySet()) if (web.containsKey(ref)) refs.add(ref);
        for (String ref : refs) {
            String a = kjv.get(ref);
            String same = web.get(ref);
            if (!usable(a) || !usable(same)) continue;
            if (r.nextInt(5) != 0) continue; // sample ~20% of verses
            Example e = d.add().field("sentence1", a);
            if (r.nextBoolean()) {
                e.field("sentence2", same).answer("yes");
            } else {
                int dot = ref.lastIndexOf('.');
                int v = Integer.parseInt(ref.substring(dot + 1));
                String base = ref.substring(0, dot + 1);
                String other = web.get(base + (r.nextBoolean() ? v + 1 : v - 1));
                if (other == null) other = web.get(base + (v + 1));
                if (other == null) other = web.get(base + (v - 1));
                if (other == null || !usable(other)) { d.examples.remove(d.examples.size() - 1); continue; }
                e.field("sentence2", other).answer("no");
            }
            e.field("modern", same).group(ref.substring(0, ref.lastIndexOf('.')));
        }
        return d;
    }

    static List<Dataset> translation(Generate g, Map<String, String> kjv, Map<String, String> rv) {
        Dataset en = new Dataset("translation_en_es", "translation").generation("bleu").sizes(3000, 200, 400);
        en.t("Translate to Spanish:\n\n{english}", "{answer}")
          .t("{english}\n\nTranslate this sentence into Spanish.", "{answer}")
          .t("How is \"{english}\" said in Spanish?", "{answer}")
          .t("English: {english}\nSpanish:", "{answer}")
          .t("Translate the following verse from English to Spanish:\n{english}", "{answer}")
          .t("Write the Spanish version of this text: {english}", "{answer}")
          .turned("Translate to English:\n\n{answer}", "{english}")
          .turned("{answer}\n\nWhat does this Spanish verse say in English?", "{english}");
        Dataset es = new Dataset("translation_es_en", "translation").generation("bleu").sizes(3000, 200, 400);
        es.t("Translate to English:\n\n{spanish}", "{answer}")
          .t("{spanish}\n\nTranslate this sentence into English.", "{answer}")
          .t("What does \"{spanish}\" mean in English?", "{answer}")
          .t("Spanish: {spanish}\nEnglish:", "{answer}")
          .t("Translate the following verse from Spanish to English:\n{spanish}", "{answer}")
          .t("Write the English version of this text: {spanish}", "{answer}")
          .turned("Translate to Spanish:\n\n{answer}", "{spanish}")
          .turned("{answer}\n\nHow would you say this in Spanish?", "{spanish}");
        String card = "constructed by alignment: verse pairs aligned by reference (both modules use KJV versification); "
                + "the translation is given by the source texts (King James Version 1769 and Reina-Valera 1909)";
        en.card(KJV + "; " + RV, "KJV 14.3, RV1909 2.60", "Public Domain (both texts)", card,
                "English -> Spanish translation of Bible verses (early-modern English and 1909 Spanish).");
        es.card(KJV + "; " + RV, "KJV 14.3, RV1909 2.60", "Public Domain (both texts)", card,
                "Spanish -> English translation of Bible verses (1909 Spanish and early-modern English).");
        Random r = g.rng("translation");
        for (Map.Entry<String, String> k : kjv.entrySet()) {
            String s = rv.get(k.getKey());
            if (s == null || !usable(k.getValue()) || !usable(s) || Text.words(k.getValue()) > 40) continue;
            int pick = r.nextInt(8); // disjoint samples of verses for the two directions
            String chapter = k.getKey().substring(0, k.getKey().lastIndexOf('.'));
            if (pick == 0) en.add().field("english", k.getValue()).answer(s).group(chapter);
            else if (pick == 1) es.add().field("spanish", s).answer(k.getValue()).group(chapter);
        }
        return List.of(en, es);
    }
}
