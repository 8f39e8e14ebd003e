package dev.flan4j.minidata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A dataset of the collection: metadata, templates, card and (after splitting) its examples. */
public final class Dataset {
    public final String name;
    public final String cluster;
    public String task = "generation";
    public String metric = "exact_match";
    public List<String> options; // fixed options, or null
    public final List<Template> templates = new ArrayList<>();
    public final Map<String, String> card = new LinkedHashMap<>();
    public final List<Example> examples = new ArrayList<>(); // candidates before split; all splits after
    public int maxTrain = 3000;
    public int dev = 200;
    public int test = 400;

    public Dataset(String name, String cluster) {
        this.name = name;
        this.cluster = cluster;
    }

    public Dataset classification(List<String> opts) {
        this.task = "classification";
        this.metric = "accuracy";
        this.options = opts;
        return this;
    }

    public Dataset classificationPerExample() {
        this.task = "classification";
        this.metric = "accuracy";
        this.options = null;
        return this;
    }

    public Dataset generation(String metric) {
        this.task = "generation";
        this.metric = metric;
        return this;
    }

    public Dataset t(String input, String target) {
        templates.add(Template.t(input, target));
        return this;
    }

    public Dataset turned(String input, String target) {
        templates.add(Template.turned(input, target));
        return this;
    }

    public Dataset card(String source, String version, String license, String labels, String description) {
        card.put("source", source);
        card.put("version", version);
        card.put("license", license);
        card.put("labels", labels);
        card.put("description", description);
        return this;
    }

    public Dataset sizes(int maxTrain, int dev, int test) {
        this.maxTrain = maxTrain;
        this.dev = dev;
        this.test = test;
        return this;
    }

    public Example add() {
        Example e = new Example();
        examples.add(e);
        return e;
    }

    public int count(String split) {
        int n = 0;
        for (Example e : examples) if (split.equals(e.split)) n++;
        return n;
    }
}
