package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.agent.LabCertificates;
import dev.netloom.agent.LabTls;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.console.ConsoleSession;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An agent's API behind mutual TLS on loopback, against a fake lab: who is let in and who is not (docs/scale-out.md). */
class ApiTlsTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static EventLoopGroup group;

    @TempDir
    Path dir;
    private ApiServer server;
    private InetSocketAddress at;
    private Path certs;

    @BeforeAll
    static void loops() {
        group = ConsoleSession.newEventLoopGroup(1);
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() {
        certs = dir.resolve("certs");
        LabCertificates.write(certs, List.of("a", "b"));
        FakeOps ops = new FakeOps();
        server = ApiServer.start(ops, new EventHub(), dir.resolve("api.sock"), group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dir.resolve("api.token"), TOKEN, LabTls.load(certs, "a").server(), () -> { });
        at = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void coordinator_withItsCertificate_andTheToken_isServed() {
        LabTls coordinator = LabTls.load(certs, LabCertificates.COORDINATOR);
        try (ApiClient c = ApiClient.connectTls(at, coordinator.clientFor("a"), TOKEN, Duration.ofSeconds(5))) {
            JsonNode status = c.call("lab.status", null, Duration.ofSeconds(5));
            assertThat(status.path("lab").asText()).isNotEmpty();
        }
    }

    @Test
    void anotherAgentsCertificate_isRefused() {
        LabTls b = LabTls.load(certs, "b");
        // b's certificate is the lab's, but an agent's (server only): it may not drive another agent
        assertThatThrownBy(() -> ApiClient.connectTls(at, b.clientFor("a"), TOKEN, Duration.ofSeconds(5)).close())
                .isInstanceOf(NetloomException.class).hasMessageContaining("TLS with the agent API");
    }

    @Test
    void aCoordinatorOfAnotherSet_isRefused() {
        Path other = dir.resolve("other");
        LabCertificates.write(other, List.of("a", "b"));
        LabTls stranger = LabTls.load(other, LabCertificates.COORDINATOR);
        assertThatThrownBy(() -> ApiClient.connectTls(at, stranger.clientFor("a"), TOKEN, Duration.ofSeconds(5)).close())
                .isInstanceOf(NetloomException.class).hasMessageContaining("TLS with the agent API");
    }

    @Test
    void theCoordinator_refusesAnAgentThatIsNotTheHostItExpects() {
        LabTls coordinator = LabTls.load(certs, LabCertificates.COORDINATOR);
        assertThatThrownBy(() -> ApiClient.connectTls(at, coordinator.clientFor("b"), TOKEN, Duration.ofSeconds(5)).close())
                .isInstanceOf(NetloomException.class).hasMessageContaining("TLS with the agent API");
    }

    @Test
    void aClientWithoutTls_getsNoAnswer() {
        assertThatThrownBy(() -> ApiClient.connectTcp(at, TOKEN, Duration.ofSeconds(5)).close()).isInstanceOf(RuntimeException.class);
    }

    @Test
    void theRightCertificate_withTheWrongToken_isRefused() {
        LabTls coordinator = LabTls.load(certs, LabCertificates.COORDINATOR);
        assertThatThrownBy(() -> ApiClient.connectTls(at, coordinator.clientFor("a"), "f".repeat(32), Duration.ofSeconds(5)).close())
                .isInstanceOf(ApiException.class).hasMessageContaining("wrong token");
    }
}
