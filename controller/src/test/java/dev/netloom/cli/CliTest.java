package dev.netloom.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's exit codes and messages, for commands that return before touching the host or the image store. */
class CliTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void help_exitsZeroAndListsTheCommands() {
        CliRun r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: netloom").contains("doctor").contains("setup").contains("images");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void noArguments_printsUsageAndExitsZero() {
        CliRun r = run();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: netloom");
    }

    @Test
    void version_exitsZeroAndNamesNetloom() {
        CliRun r = run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("netloom ");
    }

    @Test
    void imagesHelp_exitsZeroAndListsItsSubcommands() {
        CliRun r = run("images", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: netloom images").contains("build").contains("list").contains("NETLOOM_IMAGES");
    }

    @Test
    void imagesBuildHelp_exitsZeroAndNamesTheBuildableImages() {
        CliRun r = run("images", "build", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--force").contains("tiny");
    }

    @Test
    void doctorHelp_exitsZeroAndDescribesTheChecks() {
        CliRun r = run("doctor", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: netloom doctor").contains("--accel").contains("--reprobe");
    }

    @Test
    void unknownOption_exitsTwoNamingItAndPointingAtHelp() {
        CliRun r = run("--bogus");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("netloom: error:").contains("--bogus").contains("netloom --help");
    }

    @Test
    void unknownCommand_exitsTwoNamingIt() {
        CliRun r = run("frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("frobnicate");
    }

    @Test
    void unknownOptionOfASubcommand_pointsAtThatSubcommandsHelp() {
        CliRun r = run("images", "build", "tiny", "--bogus");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--bogus").contains("netloom images build --help");
    }

    @Test
    void imagesBuildOfAnUnknownImage_exitsTwoNamingItAndTheChoices() {
        // fails before it looks at the host or the image store
        CliRun r = run("images", "build", "bogus");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("netloom: error: unknown image 'bogus'").contains("tiny");
        // recipes build by name from the install's images/recipes: here the clone's (the package: /usr/share/netloom's)
        assertThat(r.err()).contains("a recipe of " + java.nio.file.Path.of("").toAbsolutePath().getParent().resolve("images/recipes") + " by name");
    }

    @Test
    void imagesBuildWithoutAName_exitsTwo() {
        CliRun r = run("images", "build");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("NAME");
    }

    @Test
    void doctorWithABadAccel_exitsTwoListingTheChoices() {
        // Accel.parse runs first, before any host check
        CliRun r = run("doctor", "--accel", "xen");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'xen'").contains("kvm, tcg, auto");
    }

    @Test
    void badMetricsAndEventsOptions_exitTwo_beforeTheScenarioIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String missing = dir.resolve("no-such.json").toString();
        CliRun r = run("run", missing, "--metrics", "example.org:9464");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--metrics example.org:9464: example.org is not an IP address; give an IP address of this host and a port");
        r = run("run", missing, "--metrics", "127.0.0.1:70000");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("the port is 0 to 65535");
        r = run("serve", missing, "--events", dir.resolve("nodir/ev.jsonl").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("does not exist; create it");
        assertThat(dir.resolve("nodir")).doesNotExist();
    }

    @Test
    void badWebAddress_exitsTwo_beforeTheScenarioIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String missing = dir.resolve("no-such.json").toString();
        CliRun r = run("run", missing, "--web", "10.0.0.1:8080");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--web 10.0.0.1:8080: give a loopback address and a port");
        // --web's value is optional, and a file after it stays the file
        r = run("up", "--web", missing);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(missing).doesNotContain("--web");
        r = run("web", "nolab", "--address", "0.0.0.0:80");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--address 0.0.0.0:80: give a loopback address");
    }

    @Test
    void statsInterval_outOfRange_exitsTwo() {
        CliRun r = run("stats", "--watch", "--interval", "10ms");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--interval 10ms: give 200ms to 1h");
    }
}
