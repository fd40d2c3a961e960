package dev.netloom.cli;

import dev.netloom.nodes.NetloomException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The netloom command line: one picocli command per verb. Exit codes: 0 ok, 1 the work failed, 2 bad input. */
@Command(name = "netloom",
        mixinStandardHelpOptions = true,
        versionProvider = Netloom.Version.class,
        description = "Headless controller for virtual-network emulation: QEMU nodes, wired by scenario.",
        subcommands = {
                DoctorCommand.class,
                SetupCommand.class,
                ImagesCommand.class,
                RunCommand.class,
                UpCommand.class,
                ServeCommand.class,
                ExecCommand.class,
                LinkCommand.class,
                StepCommand.class,
                ConvertCommand.class,
                ConsoleCommand.class,
                CaptureCommand.class,
                WebCommand.class,
                ValidateCommand.class,
                GraphCommand.class,
                PlanCommand.class,
                AgentCommand.class,
                CoordinateCommand.class,
                CertsCommand.class,
                K8sCommand.class,
                StatusCommand.class,
                StatsCommand.class,
                DownCommand.class,
                CleanupCommand.class,
                DemoCommand.class,
                ConfigCommand.class,
                CompletionCommand.class,
                PackageFilesCommand.class,
                CommandLine.HelpCommand.class
        },
        footer = {"", "Run `netloom COMMAND --help` for a command's options (or `man netloom-COMMAND` when installed from the package).",
                "Defaults (image store, run directory, accel, listen): `netloom config show`. Docs: README.md and docs/ in the netloom repository."})
public final class Netloom implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Netloom());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof NetloomException ne) {
                err.println("netloom: error: " + ne.getMessage());
                err.flush();
                return ne.exitCode();
            }
            err.println("netloom: internal error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        cli.setParameterExceptionHandler((ex, args1) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("netloom: error: " + ex.getMessage());
            err.println("Run `" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help` for usage.");
            err.flush();
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version and git commit the build baked in ({@link BuildInfo}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{BuildInfo.current().line()};
        }
    }
}
