package dev.flan4j.cli;

import dev.flan4j.model.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flan4j} command line: one subcommand per job. */
@Command(name = "flan4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Instruction-tune GPT models on FLAN-style task mixtures and score them zero-shot.",
        subcommands = {DemoCommand.class, PretrainCommand.class, TuneCommand.class, EvalCommand.class,
                GenerateCommand.class, DataCommand.class, ModelsCommand.class, ProfileCommand.class, ReproCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command (try: flan4j demo)");
    }

    /** Builds the command line with flan4j's error handling: a short message, no stack trace, exit code 1. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        showDefaults(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + message(ex)));
            if (Boolean.getBoolean("flan4j.debug")) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl;
    }

    /** Every option's help ends with its default ({@code Default: ...}) where it has one. */
    private static void showDefaults(CommandLine cl) {
        cl.getCommandSpec().usageMessage().showDefaultValues(true);
        cl.getSubcommands().values().forEach(Main::showDefaults);
    }

    static String message(Throwable ex) {
        if (ex instanceof java.nio.file.FileSystemException fse) {
            // The JDK's message is often the bare path: say what went wrong with it.
            return AtomicFiles.reason(fse);
        }
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"flan4j " + (v == null ? "(development build)" : v)};
        }
    }
}
