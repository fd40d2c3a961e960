package dev.netloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** `netloom certs create`, and agents and coordinators refused (exit 2, nothing started) without a good --tls-dir. */
class CertsCliTest {

    @TempDir
    Path dir;

    @Test
    void create_writesASetForTheHosts_andRefusesToWriteOverIt() {
        CliRun r = CliRun.of("certs", "create", dir.resolve("set").toString(), "--hosts", "a@10.9.0.1,b@10.9.0.2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(dir.resolve("set")).isDirectoryContaining("glob:**/agent-b.key").isDirectoryContaining("glob:**/coordinator.crt");
        CliRun again = CliRun.of("certs", "create", dir.resolve("set").toString(), "--hosts", "a,b");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("exists").contains("empty directory");
    }

    @Test
    void createHelp_saysWhatGoesWhere() {
        CliRun r = CliRun.of("certs", "create", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--tls-dir").contains("agent-HOST.crt/.key").contains("--hosts");
    }

    @Test
    void agentAndCoordinator_withoutTheirCertificates_exitTwo_namingTheFileAndTheFix() throws Exception {
        Path token = dir.resolve("token");
        Files.createFile(token, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(token, "0123456789abcdef0123456789abcdef\n");
        Path scenario = Path.of(System.getProperty("user.dir")).resolveSibling("scenarios").resolve("ring.json");
        CliRun coordinator = CliRun.of("coordinate", scenario.toString(), "--hosts", "a@127.0.0.1,b@127.0.0.2", "--token-file", token.toString(),
                "--tls-dir", dir.resolve("none").toString());
        assertThat(coordinator.exitCode()).isEqualTo(2);
        assertThat(coordinator.err()).contains("is not a directory").contains("netloom certs create");
        CliRun.of("certs", "create", dir.resolve("set").toString(), "--hosts", "a");
        CliRun agent = CliRun.of("agent", scenario.toString(), "--hosts", "a@127.0.0.1,b@127.0.0.2", "--host", "b", "--token-file", token.toString(),
                "--tls-dir", dir.resolve("set").toString());
        assertThat(agent.exitCode()).isEqualTo(2);
        assertThat(agent.err()).contains("agent-b.crt does not exist");
        assertThat(CliRun.of("coordinate", "--help").out()).contains("--tls-dir").contains("--down-after");
    }
}
