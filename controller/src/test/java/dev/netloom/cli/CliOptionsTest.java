package dev.netloom.cli;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.qemu.Accel;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The options several commands share are declared once, as mixins, and read the same everywhere. */
class CliOptionsTest {

    /** Options of one name that mean different things in different commands. */
    private static final Set<String> DIFFERENT_MEANINGS = Set.of(
            "--force", // images build: rebuild; images import: replace an image of the same name
            "--duration"); // run: how long the lab stays up; capture: how long to capture

    private static final Map<String, Class<?>> MIXINS = Map.of(
            "--hosts", HostsOption.class,
            "--lab", LabOption.class, "--accel", AccelOption.class, "--json", JsonOption.class, "--listen", ListenOption.class,
            "--metrics", ObserveOptions.class, "--events", ObserveOptions.class, "--no-ksm", KsmOption.class,
            "--web", ObserveOptions.class, "--tls-dir", TlsDirOption.class);

    private static List<CommandSpec> allCommands() {
        List<CommandSpec> all = new ArrayList<>();
        collect(new CommandLine(new Netloom()), all);
        return all;
    }

    private static void collect(CommandLine cli, List<CommandSpec> into) {
        into.add(cli.getCommandSpec());
        cli.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    private static boolean standard(OptionSpec o) {
        return o.usageHelp() || o.versionHelp();
    }

    @Test
    void optionsOfOneName_areDescribedTheSameInEveryCommand() {
        Map<String, Set<String>> seen = new TreeMap<>();
        for (CommandSpec c : allCommands()) {
            for (OptionSpec o : c.options()) {
                if (!standard(o) && !DIFFERENT_MEANINGS.contains(o.longestName())) {
                    seen.computeIfAbsent(o.longestName(), k -> new TreeSet<>())
                            .add(o.paramLabel() + " | " + Arrays.toString(o.description()) + " | " + o.defaultValue());
                }
            }
        }
        assertThat(seen).containsKeys("--lab", "--accel", "--json", "--listen", "--metrics", "--events");
        seen.forEach((name, forms) -> assertThat(forms).as(name).hasSize(1));
    }

    @Test
    void sharedOptions_comeFromTheirMixinInEveryCommand() {
        Map<String, Integer> uses = new HashMap<>();
        for (CommandSpec c : allCommands()) {
            for (Map.Entry<String, Class<?>> m : MIXINS.entrySet()) {
                if (c.findOption(m.getKey()) != null) {
                    assertThat(c.mixins().values()).as(c.qualifiedName() + " " + m.getKey())
                            .anyMatch(spec -> m.getValue().isInstance(spec.userObject()));
                    uses.merge(m.getKey(), 1, Integer::sum);
                }
            }
        }
        assertThat(uses).containsEntry("--lab", 9).containsEntry("--accel", 7).containsEntry("--json", 5).containsEntry("--listen", 3)
                .containsEntry("--metrics", 3).containsEntry("--events", 3).containsEntry("--no-ksm", 5) // run, up, serve, validate, agent
                .containsEntry("--hosts", 6) // plan, agent, coordinate, k8s render, k8s up, certs create
                .containsEntry("--tls-dir", 2) // agent, coordinate
                .containsEntry("--web", 3);
    }

    @Test
    void scenarioFile_isTheFileParameterOfEveryCommandThatReadsAScenario() {
        for (String name : List.of("run", "up", "serve", "validate", "graph")) {
            CommandSpec c = new CommandLine(new Netloom()).getSubcommands().get(name).getCommandSpec();
            assertThat(c.mixins().values()).as(name).anyMatch(spec -> spec.userObject() instanceof ScenarioFile);
            assertThat(c.positionalParameters()).as(name).hasSize(1);
            assertThat(c.positionalParameters().get(0).paramLabel()).isEqualTo("FILE");
        }
    }

    @Test
    void parsedOptions_reachTheCommand() {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--json", "s.json");
        assertThat(run.file.path).isEqualTo(Path.of("s.json"));
        assertThat(run.json.enabled).isTrue();
        assertThat(run.accel.requested()).isEqualTo(Accel.AUTO);

        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--accel", "tcg", "--listen", "127.0.0.1:7777", "s.json");
        assertThat(up.accel.requested()).isEqualTo(Accel.TCG);
        assertThat(up.listen.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 7777));

        ExecCommand exec = new ExecCommand();
        new CommandLine(exec).parseArgs("--lab", "l1", "a", "--", "true");
        assertThat(exec.lab.name).isEqualTo("l1");
        assertThat(exec.node).isEqualTo("a");
    }

    @Test
    void absentOptions_keepTheirDefaults() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("s.json");
        assertThat(serve.listen.address()).isNull();
        assertThat(serve.accel.text).isNull(); // the default comes from NETLOOM_ACCEL, the config file or "auto" (ConfigTest)

        StatusCommand status = new StatusCommand();
        new CommandLine(status).parseArgs();
        assertThat(status.json.enabled).isFalse();

        ConsoleCommand console = new ConsoleCommand();
        new CommandLine(console).parseArgs("a");
        assertThat(console.lab.name).isNull();
    }

    @Test
    void listen_acceptsOnlyALoopbackAddressAndAPort() {
        assertThat(ListenOption.loopback("127.0.0.1:0")).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
        for (String bad : List.of("10.0.0.1:7777", "127.0.0.1:65536", "127.0.0.1:port", "127.0.0.1")) {
            assertThatThrownBy(() -> ListenOption.loopback(bad)).as(bad).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("--listen " + bad + ": give a loopback address and a port");
        }
    }

    @Test
    void upWithANonLoopbackListen_exitsTwoBeforeReadingTheFile() {
        CliRun r = CliRun.of("up", "--listen", "10.0.0.1:7777", "does-not-exist.json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--listen 10.0.0.1:7777: give a loopback address and a port");
    }

    @Test
    void runWithABadRepeat_exitsTwoBeforeReadingTheFile() {
        CliRun r = CliRun.of("run", "--repeat", "0", "does-not-exist.json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--repeat 0: give 1 to 1000 runs");
        assertThat(CliRun.of("run", "--repeat", "two", "s.json").exitCode()).isEqualTo(2);
    }

    @Test
    void runWithResultsInAMissingDirectory_exitsTwoBeforeTheLabStarts() {
        CliRun r = CliRun.of("run", "--results", "/nonexistent-ck/r.json", "does-not-exist.json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--results /nonexistent-ck/r.json: there is no directory /nonexistent-ck");
    }

    @Test
    void runResultsAndRepeat_reachTheCommand() {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--results", "out.json", "--repeat", "3", "s.json");
        assertThat(run.results).isEqualTo(Path.of("out.json"));
        assertThat(run.repeat).isEqualTo(3);
        RunCommand plain = new RunCommand();
        new CommandLine(plain).parseArgs("s.json");
        assertThat(plain.results).isNull();
        assertThat(plain.repeat).isEqualTo(1);
    }

    @Test
    void runHelp_describesResultsRepeatAndTheCheckKinds() {
        CliRun r = CliRun.of("run", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--results=FILE").contains("--repeat=N").contains("--json")
                .contains("fidelity").contains("reachable").contains("within").contains("median, min, max");
        assertThat(r.err()).doesNotContain("picocli WARN");
    }

    @Test
    void runWithABadAccel_exitsTwoListingTheChoices() {
        CliRun r = CliRun.of("run", "--accel", "xen", "does-not-exist.json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'xen'").contains("kvm, tcg, auto");
    }
}
