package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.Rootless;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A lab run by an ordinary user, created for the test (docs/host.md "Running without root"): the
 * packaged launcher and jar and a copy of the tiny image in a directory the user owns, nothing built
 * as the user. `doctor`, then `up`, `exec` (a ping across a link), a capture (refused), `down`; then a second `up` whose
 * controller is killed, and `cleanup`. After each, nothing of the lab is left: no process of the user,
 * no run directory, no network namespace (the lab's, noted from its QEMU, is in no process any more).
 * The user may open /dev/net/tun while the test runs (an ACL, as Debian's default mode 0666 would).
 */
@Tag("e2e")
class RootlessLabE2ETest {

    private static final String LAB = "e2erootless";
    private static final Path TUN = Rootless.TUN;

    private static String user;
    private static Path dir;
    private static boolean tunHadAcl;

    @BeforeAll
    static void userAndInstall() throws Exception {
        assumeTrue(Netns.rootless() == false, "the test creates a user, so it runs as root");
        new TinyImageBuilder(ImageStore.fromEnvironment(), System.err::println).build(false);
        user = "nlrl" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        root("useradd", "--create-home", "--shell", "/bin/sh", user);
        tunHadAcl = !root("getfacl", "--skip-base", "--absolute-names", TUN.toString()).isBlank();
        root("setfacl", "-m", "u:" + user + ":rw", TUN.toString());

        // an install the user can read: the launcher and the jar as a clone has them, the tiny image in a store of its own
        dir = Files.createTempDirectory("netloom-rootless", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Files.copy(repo.resolve("netloom"), dir.resolve("netloom"));
        Files.createDirectories(dir.resolve("controller/target"));
        Files.copy(repo.resolve("controller/target/netloom.jar"), dir.resolve("controller/target/netloom.jar"));
        Path tiny = Files.createDirectories(dir.resolve("store/tiny")); // not images/: the launcher would take it for newer sources
        try (Stream<Path> files = Files.list(ImageStore.fromEnvironment().dir(TinyImageBuilder.NAME))) {
            for (Path f : files.toList()) {
                Files.copy(f, tiny.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("lab.json"), """
                { "name": "%s", "nodes": ["a", "b"], "links": [ {"between": ["a", "b"]} ], "checks": [ {"ping": "all"} ] }
                """.formatted(LAB));
        root("chown", "-R", user + ":" + user, dir.toString());
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (user == null) {
            return;
        }
        for (long pid : processesOf(user)) { // only what a failed test left: every process of the test's own user
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long pid : processesOf(user)) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join());
        }
        root("userdel", "--remove", user);
        if (tunHadAcl) {
            root("setfacl", "-x", "u:" + user, TUN.toString());
        } else {
            root("setfacl", "-b", TUN.toString());
        }
        ImageStore.deleteTree(Path.of("/tmp", "netloom-" + user));
        if (dir != null) {
            ImageStore.deleteTree(dir);
        }
    }

    @Test
    void anOrdinaryUser_runsALab_andNothingIsLeft() throws Exception {
        Run doctor = asUser("doctor");
        assertThat(doctor.out()).as(doctor.all()).containsPattern("OK +rootless +" + user + " can run labs without root")
                .containsPattern("OK +tc mirred").containsPattern("OK +bridge\\+tap").containsPattern("OK +host tbf +available");
        assertThat(doctor.code()).as(doctor.all()).isZero();

        Run up = asUser("up", dir.resolve("lab.json").toString());
        assertThat(up.code()).as(up.all()).isZero();
        JsonNode lab = status();
        long qemu = lab.path("pids").path("a").asLong();
        String netns = Netns.netOf(qemu).orElseThrow();
        // QEMU runs as the user, in a network namespace of the lab's own inside a user namespace of its own
        assertThat(ProcessHandle.of(qemu).flatMap(p -> p.info().user())).contains(user);
        assertThat(netns).isNotEqualTo(Netns.netOf(ProcessHandle.current().pid()).orElseThrow());
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(qemu), "ns", "user")))
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/user")));

        Run ping = asUser("exec", "--lab", LAB, "a", "--", "ping", "-c", "1", "-w", "5", "b");
        assertThat(ping.code()).as(ping.all()).isZero();
        assertThat(ping.out()).contains("1 packets received");

        // tcpdump cannot start in a user namespace an ordinary user made: refused, saying why
        Run capture = asUser("capture", "--lab", LAB, "a-b", "-c", "1");
        assertThat(capture.code()).as(capture.all()).isNotZero();
        assertThat(capture.err()).contains("captures need a lab run as root");

        Run down = asUser("down", LAB);
        assertThat(down.code()).as(down.all()).isZero();
        assertNothingLeft(netns);

        // a controller that dies: `cleanup`, as the user, finds the lab by its journal and removes it
        assertThat(asUser("up", dir.resolve("lab.json").toString()).code()).isZero();
        lab = status();
        netns = Netns.netOf(lab.path("pids").path("b").asLong()).orElseThrow();
        ProcessHandle controller = ProcessHandle.of(lab.path("controllerPid").asLong()).orElseThrow();
        controller.destroyForcibly();
        controller.onExit().get(30, TimeUnit.SECONDS);
        assertThat(status().path("state").asText()).startsWith("CRASHED");
        Run cleanup = asUser("cleanup");
        assertThat(cleanup.code()).as(cleanup.all()).isZero();
        assertThat(cleanup.all()).contains("lab " + LAB + ": killing qemu-system-x86_64");
        assertNothingLeft(netns);
    }

    private static JsonNode status() throws Exception {
        Run status = asUser("status", LAB, "--json");
        assertThat(status.code()).as(status.all()).isZero();
        return new ObjectMapper().readTree(status.out()).get(0);
    }

    /** No process of the user, no lab directory, and no process anywhere in the lab's network namespace. */
    private static void assertNothingLeft(String netns) throws IOException {
        assertThat(processesOf(user)).as("processes of %s", user).isEmpty();
        assertThat(Path.of("/tmp", "netloom-" + user, "labs", LAB)).doesNotExist();
        List<Long> inside = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (Netns.netOf(p.pid()).equals(Optional.of(netns))) {
                inside.add(p.pid());
            }
        });
        assertThat(inside).as("processes in the lab's namespace %s", netns).isEmpty();
    }

    /** The live processes of user {@code name} (a zombie that init has not reaped yet is gone already). */
    private static List<Long> processesOf(String name) {
        return ProcessHandle.allProcesses().filter(p -> p.info().user().map(name::equals).orElse(false)).map(ProcessHandle::pid)
                .filter(pid -> !zombie(pid)).toList();
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true; // gone
        }
    }

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** `netloom ARGS` as the user, through the launcher, with a login's environment: no sbin on the PATH, no XDG_RUNTIME_DIR. */
    private static Run asUser(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin",
                "HOME=/home/" + user, "LANG=C.UTF-8", "NETLOOM_IMAGES=" + dir.resolve("store"), dir.resolve("netloom").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("rootless", ".out");
        Path err = Files.createTempFile("rootless", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(170, TimeUnit.SECONDS)).as("netloom %s finished", String.join(" ", args)).isTrue();
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String root(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
