package dev.flan4j.cli;

import dev.flan4j.data.Collection;
import dev.flan4j.data.DataStats;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flan4j data stats}: what a collection holds. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect task collections.",
        subcommands = {DataCommand.Stats.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: stats");
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
}
