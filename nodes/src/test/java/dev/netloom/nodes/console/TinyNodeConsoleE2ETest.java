package dev.netloom.nodes.console;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.testing.TinyImage;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boots the real tiny image (from the image store, built if missing) under QEMU and drives its
 * console: boot detection, shell preparation, exec with exit codes, a timeout, a megabyte of output,
 * non-UTF-8 output, and a console shell that dies and is respawned by the image's init.
 */
@Tag("e2e")
class TinyNodeConsoleE2ETest {

    private static final Duration T = Duration.ofSeconds(10);

    private Path dir;
    private Process qemu;
    private EventLoopGroup group;
    private ConsoleSession console;

    @BeforeEach
    void boot() throws Exception {
        ImageManifest image = TinyImage.manifest();
        Path imageDir = TinyImage.dir();
        // Unix socket paths must stay under 108 bytes: keep the directory short
        dir = Files.createTempDirectory(Path.of("/tmp"), "conse2e");
        Path socket = dir.resolve("console.sock");
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", TinyImage.accel().qemuName()));
        if (TinyImage.accel() == Accel.KVM) {
            command.addAll(List.of("-cpu", "host"));
        }
        command.addAll(List.of("-m", String.valueOf(image.memoryMiB()), "-nodefaults",
                "-no-user-config", "-display", "none",
                "-chardev", "socket,id=console,path=" + socket + ",server=on,wait=off",
                "-serial", "chardev:console",
                "-kernel", imageDir.resolve(image.kernel()).toString(),
                "-initrd", imageDir.resolve(image.initrd()).toString(),
                "-append", image.kernelArgs() + " netloom.hostname=n1", "-no-reboot"));
        qemu = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile()).start();
        group = ConsoleSession.newEventLoopGroup(1);
        console = ConsoleSession.connect(socket, dir.resolve("console.log"), group, Duration.ofSeconds(10))
                .get(15, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (qemu != null) {
            qemu.destroy();
            if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private ShellSession bootAndPrepare() throws Exception {
        ImageManifest image = TinyImage.manifest();
        // the image's own patterns, narrowed to this node: its prompt may end in ESC [6n
        BootSpec spec = BootSpec.autoLogin(Pattern.compile(image.bootPattern() + " on n1"),
                        Pattern.compile("n1:[^\\n]*" + image.promptPattern(), Pattern.MULTILINE))
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(120));
        BootResult booted = BootDetector.detect(console, spec).get(130, TimeUnit.SECONDS);
        System.out.println("boot phases " + booted.phases() + ", total " + booted.total());

        ShellSession shell = new ShellSession(console);
        shell.prepare().get(20, TimeUnit.SECONDS);
        return shell;
    }

    @Test
    void tinyNode_whenItsShellIsRespawned_execInstallsTheFunctionAgain() throws Exception {
        ShellSession shell = bootAndPrepare();
        assertThat(shell.exec("echo $$ >/tmp/shell.pid", T).get().ok()).isTrue();
        // the console shell dies between two commands; the image's init starts a new one, which
        // prints BusyBox's banner and has no framing function
        long before = console.offset();
        ExecResult killer = shell.exec("(sleep 0.3; kill -9 $$) </dev/null >/dev/null 2>&1 &", T).get(20, TimeUnit.SECONDS);
        assertThat(killer.ok()).isTrue();
        console.expect(Pattern.compile("built-in shell \\(ash\\)"), before).get(20, TimeUnit.SECONDS);

        ExecResult after = shell.exec("echo \"new shell: $(($$ != $(cat /tmp/shell.pid)))\"; cd /tmp; exit 3", T).get(20, TimeUnit.SECONDS);
        assertThat(after.exitCode()).isEqualTo(3);
        assertThat(after.output()).isEqualTo("new shell: 1\n");
        assertThat(shell.exec("pwd; echo \"$PS1\"", T).get().output()).isEqualTo("/root\n" + ShellSession.PROMPT + "\n");
        assertThat(console.lastLines(30)).contains(": not found");

        // and when the shell dies in the middle of a command: the command times out, the resync installs it
        ExecResult dying = shell.exec("echo dying; kill -9 $$", Duration.ofSeconds(3)).get(30, TimeUnit.SECONDS);
        assertThat(dying.timedOut()).isTrue();
        assertThat(dying.output()).startsWith("dying\n").contains("built-in shell"); // what followed the start marker
        assertThat(shell.exec("echo alive", T).get().output()).isEqualTo("alive\n");
    }

    @Test
    void tinyNode_bootsAndRunsCommands() throws Exception {
        ShellSession shell = bootAndPrepare();

        ExecResult hostname = shell.exec("hostname", T).get(20, TimeUnit.SECONDS);
        assertThat(hostname.ok()).isTrue();
        assertThat(hostname.output()).isEqualTo("n1\n");
        assertThat(shell.exec("echo 'it'\\''s' \"$((6*7))\"; printf 'no newline'", T).get().output())
                .isEqualTo("it's 42\nno newline");
        assertThat(shell.exec("false", T).get().exitCode()).isEqualTo(1);
        ExecResult missing = shell.exec("no-such-command", T).get();
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.output()).contains("not found");

        ExecResult slow = shell.exec("echo started; sleep 30", Duration.ofSeconds(2)).get(20, TimeUnit.SECONDS);
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.exitCode()).isEqualTo(-1);
        assertThat(slow.output()).isEqualTo("started\n");
        assertThat(shell.exec("echo after", T).get().output()).isEqualTo("after\n");
        // plain words run in the console's shell itself ($_m): stdin still /dev/null, status, Ctrl-C recovery
        assertThat(shell.exec("cat", T).get()).satisfies(r -> assertThat(r.output()).isEmpty()).matches(ExecResult::ok);
        assertThat(shell.exec("expr 0 + 0", T).get()).satisfies(r -> assertThat(r.output()).isEqualTo("0\n"))
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(1));
        ExecResult slowInShell = shell.exec("sleep 30", Duration.ofSeconds(2)).get(20, TimeUnit.SECONDS);
        assertThat(slowInShell.timedOut()).isTrue();
        assertThat(shell.exec("echo after sleep", T).get().output()).isEqualTo("after sleep\n");

        long started = System.nanoTime();
        ExecResult big = shell.exec("head -c 1000000 /dev/zero | tr '\\0' a", Duration.ofSeconds(120))
                .get(130, TimeUnit.SECONDS);
        System.out.printf("1 MB of output took %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(big.ok()).isTrue();
        assertThat(big.output()).hasSize(1_000_000).matches("a+");

        ExecResult binary = shell.exec("printf '\\377\\376'; echo; echo fine", T).get();
        assertThat(binary.ok()).isTrue();
        assertThat(binary.output()).isEqualTo("\uFFFD\uFFFD\nfine\n");
        assertThat(shell.exec("echo still", T).get().output()).isEqualTo("still\n");

        System.out.printf("median exec round trip of true: %.2f ms%n", medianRoundTripMillis(shell, 50));
        assertThat(Files.size(dir.resolve("console.log"))).isGreaterThan(1_000_000);
    }

    private static double medianRoundTripMillis(ShellSession shell, int runs) throws Exception {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            ExecResult r = shell.exec("true", T).get();
            nanos.add(System.nanoTime() - t0);
            assertThat(r.ok()).isTrue();
        }
        Collections.sort(nanos);
        System.out.println("exec round trips (ms): min " + nanos.get(0) / 1e6 + ", max "
                + nanos.get(runs - 1) / 1e6);
        return nanos.get(runs / 2) / 1e6;
    }
}
