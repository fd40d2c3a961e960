package dev.netloom.nodes.console;

import dev.netloom.nodes.ExecResult;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The exec framing against the host's own shells, each interactive on a pseudo-terminal (util-linux
 * {@code script}) and respawned by a loop when it exits, as the tiny image's init does (root: a new
 * shell takes the terminal over with {@code setsid -c}): dash and bash
 * here (no image runs dash as its console shell), BusyBox ash when the host has it (the tiny image
 * covers it under QEMU). The pty is bridged to a Unix socket, so the session is the one nodes use.
 */
@Tag("e2e")
class LocalShellE2ETest {

    private static final Duration T = Duration.ofSeconds(10);

    private Path dir;
    private Process script;
    private EventLoopGroup group;
    private ConsoleSession console;

    @AfterEach
    void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (script != null) {
            List<ProcessHandle> shells = script.descendants().toList();
            script.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            shells.forEach(ProcessHandle::destroyForcibly);
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

    @ParameterizedTest
    @ValueSource(strings = {"/usr/bin/dash -i", "/usr/bin/bash --norc --noprofile -i", "/bin/busybox sh -i"})
    void framing_runsCommandsByteExact_recoversFromTimeouts_andSurvivesARespawn(String shellCommand) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(shellCommand.split(" ")[0])), shellCommand + " is not installed");
        ShellSession shell = start(shellCommand);
        shell.prepare().get(20, TimeUnit.SECONDS);

        assertThat(run(shell, "echo 'it'\\''s' \"$((6*7))\" a!b; printf 'no newline'").output()).isEqualTo("it's 42 a!b\nno newline");
        assertThat(run(shell, "echo \"$# [$*] [$1]\"").output()).isEqualTo("0 [] []\n");
        assertThat(run(shell, "printf '\\377\\376\\r\\n@E x\\r'").output()).isEqualTo("\uFFFD\uFFFD\r\n@E x\r");
        assertThat(run(shell, "printf 'h\u00e9llo \u4e16\u754c'").output()).isEqualTo("h\u00e9llo \u4e16\u754c");
        assertThat(run(shell, "cd /tmp; exit 7").exitCode()).isEqualTo(7);
        ExecResult pwd = run(shell, "pwd; echo \"$PS1\"");
        assertThat(pwd.output()).doesNotStartWith("/tmp\n").endsWith("\n" + ShellSession.PROMPT + "\n");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            lines.append("line-").append(i).append("-abcdefghijklmnopqrstuvwxyz\n");
        }
        assertThat(run(shell, "i=0; while [ $i -lt 3000 ]; do echo line-$i-abcdefghijklmnopqrstuvwxyz; i=$((i+1)); done").output())
                .isEqualTo(lines.toString());

        ExecResult slow = shell.exec("echo started; sleep 30", Duration.ofSeconds(1)).get(30, TimeUnit.SECONDS);
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.output()).isEqualTo("started\n");
        assertThat(run(shell, "echo after").output()).isEqualTo("after\n");
        // plain words run in the console's shell itself ($_m): stdin still /dev/null, status, Ctrl-C recovery
        assertThat(run(shell, "cat")).satisfies(r -> assertThat(r.output()).isEmpty()).matches(ExecResult::ok);
        assertThat(run(shell, "expr 0 + 0")).satisfies(r -> assertThat(r.output()).isEqualTo("0\n"))
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(1));
        assertThat(run(shell, "no-such-command-nl").exitCode()).isEqualTo(127);
        ExecResult slowInShell = shell.exec("sleep 30", Duration.ofSeconds(1)).get(30, TimeUnit.SECONDS);
        assertThat(slowInShell.timedOut()).isTrue();
        assertThat(run(shell, "echo after  sleep").output()).isEqualTo("after sleep\n");
        assertThat(run(shell, "pwd").output()).doesNotStartWith("/tmp\n");

        String pid = run(shell, "echo $$").output();
        long before = console.offset();
        assertThat(run(shell, "(sleep 0.2; kill -9 $$) </dev/null >/dev/null 2>&1 &").ok()).isTrue();
        console.expect(Pattern.compile("respawned"), before).get(20, TimeUnit.SECONDS);
        ExecResult after = run(shell, "echo $$; exit 3");
        assertThat(after.exitCode()).as(() -> "console: " + console.lastLines(20)).isEqualTo(3);
        assertThat(after.output()).isNotEqualTo(pid).matches("\\d+\n");
        assertThat(console.lastLines(40)).containsPattern("[.0-9a-z]+: (command )?not found");
        assertThat(run(shell, "echo \"$PS1\"").output()).isEqualTo(ShellSession.PROMPT + "\n");
    }

    private static ExecResult run(ShellSession shell, String command) throws Exception {
        return shell.exec(command, T).get(30, TimeUnit.SECONDS);
    }

    /** Starts {@code shellCommand} on a pty, respawned by a loop, and a session on a socket bridged to it. */
    private ShellSession start(String shellCommand) throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "lshe2e");
        Path socket = dir.resolve("console.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        // SIGINT and SIGQUIT back to their default first: a test run started in the background of a
        // non-interactive shell (as CI runners may start it) ignores them, and a shell passes an ignored
        // SIGINT on to its commands, so Ctrl-C would not stop `sleep` here, unlike in a guest whose init
        // starts with every signal at its default
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT,QUIT", "script", "-qfc",
                // as the tiny init does: each shell in a session of its own with the terminal as its
                // controlling one, so that a new shell gets the terminal back from a killed one
                "while :; do setsid -c " + shellCommand + "; echo respawned; done", "/dev/null");
        pb.environment().put("SHELL", "/bin/sh");
        pb.environment().put("PS1", "sh> ");
        pb.redirectErrorStream(true);
        script = pb.start();
        group = ConsoleSession.newEventLoopGroup(1);
        var connected = ConsoleSession.connect(socket, dir.resolve("console.log"), group, Duration.ofSeconds(10));
        SocketChannel peer = server.accept();
        server.close();
        // the channel itself, not Channels' streams: those lock the channel while a read blocks
        bridge(() -> {
            InputStream out = script.getInputStream();
            byte[] buf = new byte[65536];
            for (int n; (n = out.read(buf)) > 0; ) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    peer.write(b);
                }
            }
        });
        bridge(() -> {
            OutputStream in = script.getOutputStream();
            ByteBuffer b = ByteBuffer.allocate(65536);
            while (peer.read(b) > 0) {
                in.write(b.array(), 0, b.position());
                in.flush();
                b.clear();
            }
        });
        console = connected.get(15, TimeUnit.SECONDS);
        console.expectText(Pattern.compile("sh> $", Pattern.MULTILINE), 0).get(15, TimeUnit.SECONDS);
        return new ShellSession(console);
    }

    private interface Copy {
        void run() throws IOException;
    }

    private static void bridge(Copy copy) {
        Thread t = new Thread(() -> {
            try {
                copy.run();
            } catch (IOException e) {
                // one side closed: the test is over
            }
        }, "pty-bridge");
        t.setDaemon(true);
        t.start();
    }
}
