package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.api.ApiClient;
import dev.netloom.api.ApiServer;
import dev.netloom.lab.Cleanup;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.scenario.ScenarioLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capturing real tiny nodes' traffic: over the API and with {@code netloom capture}, read back with
 * tshark; a bad filter is refused with tcpdump's reason and creates nothing; no tcpdump outlives the lab.
 */
@Tag("e2e")
class CaptureE2ETest {

    private static final String LAB = "cap15";
    private static Lab lab;
    private static ApiServer api;
    private static Path dir;

    @BeforeAll
    static void up() throws Exception {
        HostSetup.ensurePrograms(List.of("tcpdump", "tshark"), System.err::println);
        ImageStore store = ImageStore.fromEnvironment();
        new TinyImageBuilder(store, System.err::println).build(false);
        Accel accel = AccelProbe.forHost().resolve(Accel.AUTO, store.dir(TinyImageBuilder.NAME)).accel();
        var scenario = new ScenarioLoader(name -> store.find(name).isPresent()).load("""
                { "name": "cap15", "nodes": ["a", "b", "c"], "links": [{"between": ["a", "b"]}],
                  "lans": [{"name": "l1", "members": ["b", "c"]}] }
                """, "cap15.json");
        lab = Lab.up(scenario, accel, store, e -> System.err.println("lab event: " + e));
        api = ApiServer.start(lab, lab.paths().apiSocket(), QemuNode.sharedLoops(), null, null, () -> { });
        dir = Files.createTempDirectory("cap15");
    }

    @AfterAll
    static void down() throws Exception {
        if (api != null) {
            api.close();
        }
        if (lab != null) {
            lab.down();
            assertThat(tcpdumpsOf(LAB)).as("tcpdumps of the lab after down").isEmpty();
        }
        Cleanup.labs().stream().filter(l -> l.name().equals(LAB)).forEach(l -> Cleanup.clean(l, System.err::println));
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    static List<String> tcpdumpsOf(String labName) {
        return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("tcpdump") && c.contains("nl-" + labName + " ")).toList();
    }

    /** tshark's one-line summaries of a file's frames (its "Running as root" warning is on stderr). */
    static List<String> tshark(Path file, String displayFilter, String... fields) {
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-r", file.toString(), "-Y", displayFilter));
        if (fields.length > 0) {
            cmd.addAll(List.of("-T", "fields"));
            for (String f : fields) {
                cmd.addAll(List.of("-e", f));
            }
        }
        Proc.Result r = Proc.run(cmd, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.stdout().lines().toList();
    }

    @Test
    void api_capturesAPing_asPcapngThatTsharkReads_withTheTapsAndTheirDirections() throws Exception {
        Path file = dir.resolve("api.pcapng");
        try (ApiClient client = LabApi.connect(LAB); OutputStream out = Files.newOutputStream(file)) {
            JsonNode answer = client.capture(Json.MAPPER.createObjectNode().put("link", "a-b").put("filter", "icmp").put("count", 4),
                    out, Duration.ofSeconds(60));
            assertThat(answer.path("interfaces")).hasSize(2);
            // the answer comes once tcpdump listens: a ping sent now is captured
            assertThat(lab.exec("a", "ping -c 2 -i 0.2 b", Duration.ofSeconds(30)).exitCode()).isZero();
            client.closed().get(60, TimeUnit.SECONDS); // 4 frames: the server ends the stream
        }
        List<String> frames = tshark(file, "icmp", "frame.interface_name", "frame.interface_description", "frame.packet_flags_direction", "icmp.type");
        assertThat(frames).hasSize(4);
        assertThat(frames).filteredOn(l -> l.endsWith("\t8")).hasSize(2).allMatch(l -> l.startsWith("t0x0\ta-b a->b: frames a sends"))
                .allMatch(l -> l.contains("\t0x00000001\t")); // inbound on a's tap
        assertThat(frames).filteredOn(l -> l.endsWith("\t0")).hasSize(2).allMatch(l -> l.startsWith("t1x0\ta-b b->a: frames b sends"));
        assertThat(tcpdumpsOf(LAB)).as("the capture's tcpdumps end with it").isEmpty();
    }

    @Test
    void cli_oneDirection_toAFile_andALan_asLines() throws Exception {
        // traffic that runs while the captures start: each stops after its frames
        assertThat(lab.exec("a", "ping -c 40 -i 0.2 b >/dev/null 2>&1 &", Duration.ofSeconds(10)).exitCode()).isZero();
        assertThat(lab.exec("b", "ping -c 40 -i 0.2 c >/dev/null 2>&1 &", Duration.ofSeconds(10)).exitCode()).isZero();
        Path file = dir.resolve("ab.pcapng");
        CliRun run = CliRun.of("capture", "--lab", LAB, "a-b", "--direction", "a->b", "--filter", "icmp", "-c", "3", "-w", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("capturing a-b (a->b on t0x0)", "capture of a-b ended: " + file);
        List<String> types = tshark(file, "icmp", "icmp.type", "ip.src");
        assertThat(types).hasSize(3).allMatch(l -> l.startsWith("8\t")); // echo requests only: what a sends

        CliRun lines = CliRun.of("capture", "--lab", LAB, "l1", "--filter", "icmp", "-c", "4");
        assertThat(lines.exitCode()).as(lines.err()).isZero();
        List<String> out = lines.out().lines().toList();
        assertThat(out).hasSize(4).allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} [bc]->l1 98 bytes: IPv4 .* ICMP echo (request|reply)"));
        assertThat(out).anyMatch(l -> l.contains(" b->l1 ") && l.endsWith("echo request"))
                .anyMatch(l -> l.contains(" c->l1 ") && l.endsWith("echo reply"));
    }

    @Test
    void cli_filterTcpdumpRefuses_exits2_withItsReason_andCreatesNoFile() {
        Path file = dir.resolve("never.pcapng");
        CliRun run = CliRun.of("capture", "--lab", LAB, "a-b", "--filter", "icmpx and", "-w", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--filter \"icmpx and\" is not a BPF filter tcpdump accepts", "syntax error");
        assertThat(file).doesNotExist();
        CliRun direction = CliRun.of("capture", "--lab", LAB, "a-b", "--direction", "a->c", "-w", file.toString());
        assertThat(direction.exitCode()).isEqualTo(2);
        assertThat(direction.err()).contains("no direction 'a->c'", "a->b", "b->a");
        assertThat(file).doesNotExist();
    }
}
