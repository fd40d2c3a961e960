package dev.netloom.api;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.console.ConsoleSession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API's socket and token file exist only with owner-only modes, from their first moment on. */
class OwnerOnlyFilesTest {

    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void loops() {
        group = ConsoleSession.newEventLoopGroup(1);
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void bindSocket_bindsInAPrivateDirectory_andTheSocketAppearsWithMode0600() throws Exception {
        Path socket = dir.resolve("api.sock");
        Channel server = OwnerOnlyFiles.bindSocket(socket, at -> {
            assertThat(mode(at.getParent())).as("where the socket is bound").isEqualTo("rwx------");
            assertThat(socket).as("no socket at its public path before its mode is final").doesNotExist();
            Channel bound = bind(at);
            assertThat(socket).doesNotExist();
            return bound;
        });
        try {
            assertThat(mode(socket)).isEqualTo("rw-------");
            assertThat(mode(dir).charAt(7)).as("its directory is not world-writable").isNotEqualTo('w');
            assertThat(list(dir)).as("the private directory is gone").containsExactly("api.sock");
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertThat(client.connect(UnixDomainSocketAddress.of(socket))).isTrue();
            }
        } finally {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void bindSocket_replacesAStaleSocket() throws Exception {
        Path socket = dir.resolve("api.sock");
        Channel crashed = OwnerOnlyFiles.bindSocket(socket, this::bind);
        crashed.close().syncUninterruptibly(); // the file stays at its public path: Netty removes the path it bound, which moved
        Channel server = OwnerOnlyFiles.bindSocket(socket, this::bind);
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertThat(client.connect(UnixDomainSocketAddress.of(socket))).isTrue();
            assertThat(mode(socket)).isEqualTo("rw-------");
        } finally {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void bindSocket_inAWorldWritableDirectory_isRefused() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> OwnerOnlyFiles.bindSocket(dir.resolve("api.sock"), this::bind))
                .isInstanceOf(NetloomException.class)
                .hasMessageContaining("writable by every user")
                .hasMessageContaining("chmod o-w");
        assertThat(list(dir)).isEmpty();
    }

    @Test
    void bindSocket_whenTheBindFails_leavesNothingBehind() throws Exception {
        assertThatThrownBy(() -> OwnerOnlyFiles.bindSocket(dir.resolve("api.sock"), at -> {
            throw new NetloomException("no bind today");
        })).hasMessage("no bind today");
        assertThat(list(dir)).isEmpty();
    }

    @Test
    void writeSecret_isOwnerOnly_whole_andLeavesNoTemporaryFile() throws Exception {
        Path token = dir.resolve("api.token");
        Files.writeString(token, "old token of a crashed controller\n");
        OwnerOnlyFiles.writeSecret(token, "5f0c\n");
        assertThat(mode(token)).isEqualTo("rw-------");
        assertThat(Files.readString(token)).isEqualTo("5f0c\n");
        assertThat(list(dir)).containsExactly("api.token");
    }

    private Channel bind(Path at) {
        return new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new DomainSocketAddress(at.toString())).syncUninterruptibly().channel();
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
