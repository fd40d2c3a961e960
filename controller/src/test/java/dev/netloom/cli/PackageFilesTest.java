package dev.netloom.cli;

import dev.netloom.nodes.Config;
import dev.netloom.nodes.host.HostTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** --version, the completion script, the man pages and the package fields: everything made from the command definitions. */
class PackageFilesTest {

    private static final Set<String> ROFF_REQUESTS = Set.of(".TH", ".SH", ".TP", ".B", ".I", ".nf", ".fi", ".br");

    @Test
    void version_printsTheBuildsVersionAndCommit() {
        CliRun r = CliRun.of("--version");
        assertThat(r.exitCode()).isZero();
        // the build filters the version in and writes the commit (git describe, or "unknown" without git)
        assertThat(r.out().strip()).matches("netloom \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}(-dirty)?|unknown)\\)");
    }

    @Test
    void buildInfo_withoutResourcesOrUnfiltered_saysUnknown() {
        assertThat(BuildInfo.of(null, null).line()).isEqualTo("netloom unknown (commit unknown)");
        assertThat(BuildInfo.of("${project.version}", " \n").line()).isEqualTo("netloom unknown (commit unknown)");
        assertThat(BuildInfo.of("1.2.0", "0123456789ab\n").line()).isEqualTo("netloom 1.2.0 (commit 0123456789ab)");
    }

    @Test
    void bashCompletion_completesEveryVisibleCommandAndNoHiddenOne() {
        CliRun r = CliRun.of("completion", "bash");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_netloom", "_picocli_netloom_images_build")
                .doesNotContain("package-files");
        String commands = r.out().lines().filter(l -> l.contains("local commands=")).findFirst().orElseThrow();
        assertThat(commands).contains("doctor", "setup", "images", "run", "up", "config", "completion", "validate");
    }

    @Test
    void zshCompletion_isTheBashScriptThroughBashcompinit() {
        CliRun r = CliRun.of("completion", "zsh");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("bashcompinit", "complete -F _complete_netloom");
    }

    @Test
    void zshCompletion_completesCommandsSubcommandsAndOptions_inARealZsh(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("netloom.zsh");
        Files.writeString(script, CliRun.of("completion", "zsh").out());
        Path driver = Path.of(PackageFilesTest.class.getResource("/zsh-complete.zsh").toURI());
        // zsh is in the tool table (netloom setup installs it)
        Process zsh = new ProcessBuilder("timeout", "60", "zsh", "-f", driver.toString(), script.toString(), "netloom ima\tb\t--fo\t")
                .redirectErrorStream(true).start();
        String out = new String(zsh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(zsh.waitFor()).as(out).isZero();
        assertThat(out.strip()).isEqualTo("images build --force");
    }

    @Test
    void exampleConfig_ofThePackage_setsEverySetting_andLoads() {
        Path example = Path.of("..", "packaging", "deb", "config.json");
        Config c = Config.load(Map.of(), example, false, "someone", "/home/someone");
        for (Config.Key k : Config.Key.values()) {
            assertThat(c.get(k).source()).as(k.key).startsWith("file " + example + ":");
        }
        assertThat(c.accel(null)).isEqualTo(dev.netloom.nodes.qemu.Accel.AUTO);
    }

    @Test
    void completionForAnUnknownShell_isBadInput() {
        CliRun r = CliRun.of("completion", "fish");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown shell 'fish': use bash or zsh");
    }

    @Test
    void manPages_oneForEveryVisibleCommand() {
        Map<String, String> pages = ManPages.render(new CommandLine(new Netloom()), "netloom 1.0");
        assertThat(pages).containsKeys("netloom.1", "netloom-images-build.1", "netloom-config-show.1", "netloom-link-set.1", "netloom-completion.1")
                .doesNotContainKeys("netloom-package-files.1", "netloom-help.1");
        List<String> commands = new ArrayList<>();
        collect(new CommandLine(new Netloom()), commands);
        assertThat(pages.keySet()).hasSize(commands.size());
    }

    private static void collect(CommandLine cli, List<String> into) {
        CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
        if (spec.usageMessage().hidden() || spec.userObject() instanceof CommandLine.HelpCommand) {
            return;
        }
        into.add(spec.qualifiedName());
        cli.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    @Test
    void manPage_hasTheSectionsOptionsAndEscapes() {
        String page = ManPages.render(new CommandLine(new Netloom()), "netloom 1.0").get("netloom-link-set.1");
        assertThat(page).startsWith(".TH NETLOOM\\-LINK\\-SET 1 \"\" \"netloom 1.0\" \"netloom manual\"\n")
                .contains(".SH NAME\nnetloom\\-link\\-set \\- ", ".SH SYNOPSIS", ".SH OPTIONS", ".SH EXIT STATUS", ".SH SEE ALSO\nnetloom(1)")
                .contains(".TP\n.B \\-\\-loss P\ne.g. 1%\n");
        for (String line : page.split("\n")) {
            if (line.startsWith(".") || line.startsWith("'")) {
                assertThat(ROFF_REQUESTS).as(line).contains(line.split(" ")[0]);
            }
        }
    }

    @Test
    void escape_keepsTextFromBeingReadAsRoff() {
        assertThat(ManPages.escape(".hidden -x \\n")).isEqualTo("\\&.hidden \\-x \\en");
        assertThat(ManPages.escape("'quote")).isEqualTo("\\&'quote");
    }

    @Test
    void debianFields_putEveryPackageOfTheToolTableInExactlyOneField() {
        List<String> all = new ArrayList<>(DebianControl.depends().subList(1, DebianControl.depends().size()));
        all.addAll(DebianControl.recommends());
        all.addAll(DebianControl.suggests());
        assertThat(all).containsExactlyInAnyOrderElementsOf(HostTool.packages());
        assertThat(DebianControl.depends().get(0)).startsWith("openjdk-17-jre-headless");
        assertThat(DebianControl.depends()).contains("qemu-system-x86", "iproute2", "mmdebstrap").doesNotContain("graphviz", "qemu-system-arm");
        assertThat(DebianControl.recommends()).containsExactlyInAnyOrder("qemu-system-arm", "cpio");
    }

    @Test
    void packageFiles_writesPagesCompletionAndFields(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.of("package-files", "--into", dir.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(dir.resolve("man1/netloom.1")).exists();
        assertThat(Files.readString(dir.resolve("completion/netloom"))).contains("_complete_netloom");
        assertThat(Files.readString(dir.resolve("deb-fields"))).startsWith("Depends: openjdk-17-jre-headless").contains("\nRecommends: ", "\nSuggests: ");
        assertThat(CliRun.of("--help").out()).doesNotContain("package-files");
    }

    @Test
    void configShow_namesEachSettingsSource() {
        CliRun r = CliRun.of("config", "show", "--accel", "tcg");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("(?m)^accel +tcg +flag --accel$").containsPattern("(?m)^images +\\S+ +\\S")
                .containsPattern("(?m)^run +\\S+ +\\S").containsPattern("(?m)^listen ").contains("config file: ");
        CliRun json = CliRun.of("config", "show", "--json", "--listen", "127.0.0.1:7777");
        assertThat(json.out()).contains("\"listen\" : {", "\"value\" : \"127.0.0.1:7777\"", "\"source\" : \"flag --listen\"");
        CliRun bad = CliRun.of("config", "show", "--listen", "10.0.0.1:7777");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--listen 10.0.0.1:7777: give a loopback address and a port");
    }
}
