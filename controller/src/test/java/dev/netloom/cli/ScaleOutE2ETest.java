package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.lab.Cleanup;
import dev.netloom.lab.LabPaths;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * scenarios/ring-over-hosts.json spread over two hosts (docs/scale-out.md): two network namespaces
 * play the hosts, joined by a veth underlay; an agent per host runs its half of the ring with VXLAN
 * tunnels for the two links that cross, behind mutual TLS, and the coordinator drives both as one
 * lab: it plays the scenario's checks and timeline, relays consoles and captures, and survives a lost agent.
 */
@Tag("e2e")
class ScaleOutE2ETest {

    private static final String LAB = "i18ring";
    private static final Duration T = Duration.ofSeconds(60);
    private static final List<String> NETNS = List.of("i18ha", "i18hb");
    private static Path dir;
    private static Path file;
    private static Path token;
    private static Path certs;
    private static String hosts;
    private static final List<ControllerProcess> processes = new ArrayList<>();

    @BeforeAll
    static void hostsAndUnderlay() throws Exception {
        new TinyImageBuilder(ImageStore.fromEnvironment(), System.err::println).build(false);
        dir = Files.createTempDirectory("i18scaleout");
        file = dir.resolve("ring.json");
        String ring = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("scenarios").resolve("ring-over-hosts.json"));
        Files.writeString(file, ring.replace("\"name\": \"ringhosts\"", "\"name\": \"" + LAB + "\""));
        certs = dir.resolve("certs");
        token = dir.resolve("token");
        Files.createFile(token, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(token, "0123456789abcdef0123456789abcdef-i18\n");
        for (String ns : NETNS) {
            ip("netns", "add", ns);
        }
        // the underlay: MTU 1600 leaves the tunnels 1550, room for a guest's 1500-byte frames
        ip("link", "add", "i18ua", "netns", "i18ha", "mtu", "1600", "type", "veth", "peer", "name", "i18ub", "netns", "i18hb", "mtu", "1600");
        ip("-n", "i18ha", "addr", "add", "10.250.18.1/24", "dev", "i18ua");
        ip("-n", "i18hb", "addr", "add", "10.250.18.2/24", "dev", "i18ub");
        ip("-n", "i18ha", "link", "set", "i18ua", "up");
        ip("-n", "i18hb", "link", "set", "i18ub", "up");
        hosts = "a@10.250.18.1:api=127.0.0.1:port=" + freePort() + ",b@10.250.18.2:api=127.0.0.1:port=" + freePort();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Proc.run(cmd, Duration.ofSeconds(30)).orThrow();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (ControllerProcess p : processes) {
            if (p.alive()) {
                p.terminate();
                if (p.awaitExit(Duration.ofMinutes(1)) == -1) {
                    p.kill();
                }
            }
        }
        Cleanup.labs().stream().filter(l -> l.name().startsWith(LAB + "-")).forEach(l -> Cleanup.clean(l, System.err::println));
        for (String ns : NETNS) {
            Proc.run(List.of("ip", "netns", "del", ns), Duration.ofSeconds(30));
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static ControllerProcess start(String tag, String... args) {
        ControllerProcess p = ControllerProcess.start(tag, args);
        processes.add(p);
        return p;
    }

    @Test
    void ringOverTwoHosts_overMutualTls_playsItsTimeline_relaysConsoleAndCapture_shapesAndReroutes_andSurvivesALostAgent() throws Exception {
        long t0 = System.nanoTime();
        ControllerProcess certsMade = start("certs", "certs", "create", certs.toString(), "--hosts", hosts);
        assertThat(certsMade.awaitExit(Duration.ofMinutes(1))).as(certsMade.output()).isZero();
        assertThat(certs.resolve("agent-a.key")).exists();
        ControllerProcess a = start("agent-a", "agent", file.toString(), "--hosts", hosts, "--host", "a", "--token-file", token.toString(),
                "--tls-dir", certs.toString(), "--underlay", "i18ua", "--host-netns", "i18ha");
        ControllerProcess b = start("agent-b", "agent", file.toString(), "--hosts", hosts, "--host", "b", "--token-file", token.toString(),
                "--tls-dir", certs.toString(), "--underlay", "i18ub", "--host-netns", "i18hb");
        assertThat(a.awaitLine(AgentCommand.READY_LINE, Duration.ofMinutes(4))).as(a.output()).isTrue();
        assertThat(b.awaitLine(AgentCommand.READY_LINE, Duration.ofMinutes(4))).as(b.output()).isTrue();
        assertThat(a.output()).contains("nodes 2 tunnels 2");
        System.err.printf("scale-out: both agents READY after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        // the crossing links' far ends really are VXLAN devices in each part's namespace
        assertThat(Proc.run(List.of("ip", "-n", "nl-" + LAB + "-a", "-d", "link", "show", "type", "vxlan"), T).orThrow().stdout())
                .contains("vxlan id 42").contains("remote 10.250.18.2");
        refusesClientsWithoutTheCoordinatorsCertificate();
        ControllerProcess coordinator = start("coordinator", "coordinate", file.toString(), "--hosts", hosts, "--token-file", token.toString(),
                "--tls-dir", certs.toString(), "--wait", "1m");
        assertThat(coordinator.awaitLine(CoordinateCommand.READY_LINE, Duration.ofMinutes(1))).as(coordinator.output()).isTrue();
        // the scenario's checks (ping all), then its timeline: n1-n4 down, n1 reaches n4 the long way (3 hops), up, direct again
        assertThat(coordinator.awaitLine(CoordinateCommand.PLAYED_LINE, Duration.ofMinutes(2))).as(coordinator.output()).isTrue();
        assertThat(coordinator.output()).as(coordinator.output()).contains(CoordinateCommand.PLAYED_LINE + " checks 15 failed 0 timeline 5 failed 0")
                .containsPattern("ok +link n1-n4 down").containsPattern("n1 to n4 the long way +ok").containsPattern("n1 to n4 direct again +ok");
        System.err.printf("scale-out: checks and timeline played through the coordinator after %.1f s%n", (System.nanoTime() - t0) / 1e9);

        try (ApiClient api = ApiClient.connect(LabPaths.coordinator(LAB).apiSocket(), Duration.ofSeconds(10));
             ApiClient events = ApiClient.connect(LabPaths.coordinator(LAB).apiSocket(), Duration.ofSeconds(10))) {
            JsonNode status = api.call("lab.status", null, T);
            assertThat(status.path("state").asText()).as(status.toString()).isEqualTo("READY");
            consoleAndCaptureAreRelayed(api);

            // ping all: every node reaches every other by name, two of the four links through the tunnels
            JsonNode all = api.call("node.execAll", params().put("command", "for h in n1 n2 n3 n4; do ping -c 1 -w 10 $h >/dev/null || echo unreachable $h; done"), T);
            all.path("results").forEach(r -> assertThat(r.path("output").asText()).isEmpty());
            assertThat(all.path("results").size()).isEqualTo(4);

            // an impairment on a crossing link, applied by each sender's host: 50 ms each way
            double before = minRtt(exec(api, "n1", "ping -c 3 n4"));
            api.call("link.set", params().put("link", "n1-n4").set("impairment", params().put("delay", "50ms")), T);
            double after = minRtt(exec(api, "n1", "ping -c 3 n4"));
            assertThat(after).as("before " + before).isGreaterThanOrEqualTo(100.0);
            System.err.printf("scale-out: n1 -> n4 across the tunnel, min RTT %.1f ms with 2 ms each way, %.1f ms with 50 ms each way%n", before, after);
            JsonNode links = api.call("links.list", null, T);
            JsonNode link = null;
            for (JsonNode l : links) {
                link = l.path("name").asText().equals("n1-n4") ? l : link;
            }
            assertThat(link.path("impairments").path("n1->n4").path("delay").asText()).isEqualTo("50ms");
            assertThat(link.path("impairments").path("n4->n1").path("delay").asText()).isEqualTo("50ms");

            // the crossing link down: both hosts reroute, n1 reaches n4 the long way round (n2, n3) through the other tunnel
            assertThat(hops(exec(api, "n1", "traceroute -n -w 2 -q 1 n4"))).isEqualTo(1);
            api.call("link.state", params().put("link", "n1-n4").put("up", false), T);
            assertThat(exec(api, "n1", "ping -c 1 -w 10 n4").path("exitCode").asInt()).isZero();
            assertThat(hops(exec(api, "n1", "traceroute -n -w 2 -q 1 n4"))).isEqualTo(3);

            // host b lost: its nodes are FAILED, host a's keep answering
            CompletableFuture<JsonNode> lost = new CompletableFuture<>();
            events.subscribe(List.of("lab"), e -> {
                if (e.path("detail").asText().contains("agent b lost")) {
                    lost.complete(e);
                }
            });
            b.terminate();
            assertThat(b.awaitExit(Duration.ofMinutes(1))).isNotEqualTo(-1); // its lab went down on the signal
            lost.get(1, TimeUnit.MINUTES);
            JsonNode degraded = api.call("lab.status", null, T);
            assertThat(degraded.path("state").asText()).isEqualTo("DEGRADED");
            degraded.path("nodes").forEach(n -> assertThat(n.path("state").asText())
                    .isEqualTo(List.of("n3", "n4").contains(n.path("name").asText()) ? "FAILED" : "READY"));
            assertThat(exec(api, "n1", "ping -c 1 -w 10 n2").path("exitCode").asInt()).isZero();

            // down through the coordinator takes host a's part down too
            api.call("lab.down", null, T);
        }
        assertThat(coordinator.awaitExit(Duration.ofMinutes(2))).isZero();
        assertThat(a.awaitExit(Duration.ofMinutes(2))).isZero();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().startsWith(LAB + "-"));
        assertThat(LabPaths.coordinator(LAB).dir()).doesNotExist();
        assertThat(Proc.run(List.of("ip", "-n", "i18ha", "link", "show", "type", "vxlan"), T).orThrow().stdout()).isBlank(); // moved, then deleted with the lab
    }

    /** The agent's TCP API lets in only the coordinator's certificate of its set: not a plain client, not another agent's certificate. */
    private static void refusesClientsWithoutTheCoordinatorsCertificate() {
        String t = "0123456789abcdef0123456789abcdef-i18";
        java.net.InetSocketAddress agentA = dev.netloom.partition.HostSpec.parseList(hosts).get(0).apiAddress();
        assertThatThrownBy(() -> ApiClient.connectTcp(agentA, t, Duration.ofSeconds(10)).close()).isInstanceOf(RuntimeException.class);
        dev.netloom.agent.LabTls b = dev.netloom.agent.LabTls.load(certs, "b");
        assertThatThrownBy(() -> ApiClient.connectTls(agentA, b.clientFor("a"), t, Duration.ofSeconds(10)).close())
                .hasMessageContaining("TLS with the agent API");
        dev.netloom.agent.LabTls coordinator = dev.netloom.agent.LabTls.load(certs, dev.netloom.agent.LabCertificates.COORDINATOR);
        try (ApiClient ok = ApiClient.connectTls(agentA, coordinator.clientFor("a"), t, Duration.ofSeconds(10))) {
            assertThat(ok.call("lab.status", null, T).path("lab").asText()).isEqualTo(LAB + "-a");
        }
    }

    /** A console of a node on host b, a capture of a crossing link and the lab's stats, all through the coordinator's socket. */
    private static void consoleAndCaptureAreRelayed(ApiClient api) throws Exception {
        Path socket = LabPaths.coordinator(LAB).apiSocket();
        try (ApiClient console = ApiClient.connect(socket, Duration.ofSeconds(10))) {
            dev.netloom.api.WatchedOutput screen = new dev.netloom.api.WatchedOutput();
            JsonNode answer = console.attachConsole("n4", params().put("name", "i18-test"), screen);
            assertThat(answer.path("console").asText()).isEqualTo("n4");
            console.sendRaw("echo relayed-$((6*7))\r".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            screen.whenContains("relayed-42").get(1, TimeUnit.MINUTES);
            console.sendRaw(new byte[]{0x1d}); // Ctrl-]: the agent ends it, then the coordinator
            console.closed().get(1, TimeUnit.MINUTES);
        }
        try (ApiClient capture = ApiClient.connect(socket, Duration.ofSeconds(10))) {
            dev.netloom.api.WatchedOutput frames = new dev.netloom.api.WatchedOutput();
            JsonNode started = capture.capture(params().put("link", "n2-n3").put("format", "text").put("filter", "icmp").put("count", 2), frames, T);
            assertThat(started.path("interfaces").size()).as(started.toString()).isEqualTo(2);
            assertThat(exec(api, "n2", "ping -c 1 -w 10 n3").path("exitCode").asInt()).isZero();
            capture.closed().get(1, TimeUnit.MINUTES); // two frames, then the agent ends the stream and the coordinator its relay
            assertThat(frames.text()).contains("n2->n3").contains("ICMP echo request").contains("ICMP echo reply");
            System.err.println("scale-out: relayed capture:\n" + frames.text());
        }
        // stats: each node from its host, each direction of a crossing link from its sender's host
        JsonNode stats = api.call("lab.stats", null, T);
        assertThat(stats.path("nodes").size()).isEqualTo(4);
        stats.path("nodes").forEach(n -> assertThat(n.path("pid").asLong()).as(n.toString()).isPositive());
        List<String> directions = new ArrayList<>();
        stats.path("links").forEach(l -> {
            directions.add(l.path("direction").asText());
            if (l.path("direction").asText().equals("n2->n3")) {
                assertThat(l.path("packets").asLong()).as(l.toString()).isPositive();
            }
        });
        assertThat(directions).contains("n1->n4", "n4->n1", "n2->n3", "n3->n2").doesNotHaveDuplicates();
    }

    private static ObjectNode params() {
        return Json.MAPPER.createObjectNode();
    }

    private static JsonNode exec(ApiClient api, String node, String command) {
        return api.call("node.exec", params().put("node", node).put("command", command).put("timeout", 40_000), T);
    }

    private static double minRtt(JsonNode exec) {
        Matcher m = Pattern.compile("min/avg/max = ([0-9.]+)/").matcher(exec.path("output").asText());
        assertThat(m.find()).as("ping output: " + exec).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static long hops(JsonNode traceroute) {
        return traceroute.path("output").asText().lines().filter(l -> l.matches("^\\s*\\d+\\s+\\d+\\.\\d+\\.\\d+\\.\\d+.*")).count();
    }
}
