package dev.flan4j.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flan4j.data.Baselines;
import dev.flan4j.data.Collection;
import dev.flan4j.data.DataStats;
import dev.flan4j.model.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flan4j data stats | baselines}: what a collection holds, and how far heuristics get on it. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect task collections.",
        subcommands = {DataCommand.Stats.class, DataCommand.BaselinesCommand.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: stats, baselines");
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Datasets x cluster x examples per split x templates, and totals.")
    static final class Stats implements Callable<Integer> {
        @Option(names = "--collection", paramLabel = "DIR",
                description = "A collection folder in the mini-FLAN layout (default: the built-in collection).")
        Path collection;

        @Override
        public Integer call() {
            Collection c = Common.collection(collection);
            System.out.print(DataStats.table(c));
            return 0;
        }
    }

    @Command(name = "baselines", mixinStandardHelpOptions = true,
            description = "Majority, position, length, word-overlap and last-field baselines on the test split of every "
                    + "classification dataset (fitted on train), in percent.")
    static final class BaselinesCommand implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--collection", paramLabel = "DIR",
                description = "A collection folder in the mini-FLAN layout (default: the built-in collection).")
        Path collection;

        @Option(names = "--update-cards",
                description = "Also write the numbers into each dataset's card (card.baselines) in DIR/collection.json.")
        boolean updateCards;

        @Override
        public Integer call() throws IOException {
            if (updateCards && collection == null)
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--update-cards needs --collection DIR (the built-in collection is read-only)");
            List<Baselines.Row> rows = Baselines.rows(Common.collection(collection));
            System.out.print(Baselines.table(rows));
            if (updateCards) {
                Path file = collection.resolve("collection.json");
                AtomicFiles.writeString(file, withBaselines(Files.readString(file), rows));
                System.out.println("updated the cards in " + file);
            }
            return 0;
        }
    }

    /** collection.json text with card.baselines set for every dataset of rows, in the generator's layout. */
    static String withBaselines(String collectionJson, List<Baselines.Row> rows) throws IOException {
        ObjectMapper m = new ObjectMapper();
        JsonNode root = m.readTree(collectionJson);
        Map<String, Baselines.Row> byName = new HashMap<>();
        for (Baselines.Row r : rows) byName.put(r.dataset(), r);
        for (JsonNode d : root.path("datasets")) {
            Baselines.Row r = byName.get(d.path("name").asText());
            if (r == null) continue;
            ObjectNode card = d.has("card") ? (ObjectNode) d.get("card") : ((ObjectNode) d).putObject("card");
            card.set("baselines", m.valueToTree(Baselines.card(r)));
        }
        DefaultIndenter ind = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(ind).withArrayIndenter(ind);
        return m.writer(pp).writeValueAsString(root) + "\n";
    }
}
