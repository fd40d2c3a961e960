package dev.netloom.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.mobility.LinkModel;
import dev.netloom.mobility.Position;
import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MiniWorld's own scenarios (test resources, MIT licence beside them) converted by `netloom import miniworld` and loaded. */
class MiniWorldImportTest {

    static final Path MW = Path.of("src", "test", "resources", "miniworld");
    static final Path TOPOLOGIES = MW.resolve("core_topologies");

    static CoreImport.Result convert(Path file, String image) {
        MiniWorldFiles files = new MiniWorldFiles(file, TOPOLOGIES);
        return MiniWorldImport.convert(files.scenario(), null, image, files);
    }

    @Test
    void everyMiniWorldScenario_importsAndLoads() throws Exception {
        List<Path> all;
        try (Stream<Path> examples = Files.list(MW.resolve("examples"))) {
            all = Stream.concat(Stream.of(MW.resolve("sample-scenario.json")), examples.sorted()).toList();
        }
        assertThat(all).hasSize(4);
        for (Path f : all) {
            CoreImport.Result r = convert(f, null);
            Scenario s = CoreImportTest.load(r);
            assertThat(s.nodes()).as(f.toString()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(r.scenario().get("notes")).as(f.toString()).isNotEmpty();
            assertThat(r.scenario().get("notes").size()).isEqualTo(r.notConverted().size());
        }
    }

    @Test
    void sampleScenario_mapsItsKeys_andListsWhatItCannot() throws Exception {
        CoreImport.Result r = convert(MW.resolve("sample-scenario.json"), null);
        JsonNode s = r.scenario();
        assertThat(s.get("name").asText()).isEqualTo("scenario-nam");
        assertThat(s.get("nodes")).hasSize(5);
        assertThat(s.at("/defaults/image").asText()).isEqualTo("openwrt");
        assertThat(s.at("/defaults/memory").asText()).isEqualTo("32M");
        assertThat(s.at("/linkModel/kind").asText()).isEqualTo("wifi-exponential"); // "...LinkQualityModelWiFi"
        assertThat(s.at("/linkModel/bandwidth").asLong()).isEqualTo(55296000L);
        assertThat(s.at("/addressing/pool").asText()).isEqualTo("10.0.0.0/8");
        assertThat(s.has("steps")).isFalse(); // walk_model arma: the topologies are not used
        assertThat(r.notConverted())
                .anyMatch(n -> n.startsWith("qemu.qemu_user_addition = \"-hdb stick.img\": not converted (netloom passes no extra QEMU arguments)"))
                .anyMatch(n -> n.startsWith("qemu.nic.model = \"e1000\""))
                .anyMatch(n -> n.startsWith("walk_model \"arma\""))
                .anyMatch(n -> n.startsWith("network.backend.distributed_mode = \"gretap\""))
                .anyMatch(n -> n.startsWith("network.links.interfaces"))
                .anyMatch(n -> n.startsWith("node_details.1.qemu.qemu_user_addition"))
                .anyMatch(n -> n.contains("--boot-pattern 'procd: - init complete -.*' --prompt '(.*)root@OpenWrt.*[#]?'"))
                .noneMatch(n -> n.startsWith("network.backend.connection_mode"))
                .anyMatch(n -> n.startsWith("network.links.configuration.connectivity_check: not converted")); // nodes apart at the start
        assertThat(s.at("/linkModel/mode").asText()).isEqualTo("lan"); // connection_mode "single" (the default), each pair shaped by its sender
        assertThat(s.has("checks")).isFalse();
    }

    @Test
    void batmanAdv_lanCoreMode_connectsCoresLinks_amongItsThreeNodes() throws Exception {
        CoreImport.Result r = convert(MW.resolve("examples/batman_adv.json"), "tiny");
        Scenario s = CoreImportTest.load(r);
        assertThat(s.nodes()).extracting(Scenario.NodeDef::name).containsExactly("n1", "n2", "n3");
        assertThat(s.nodes()).allMatch(n -> n.image().equals("tiny"));
        assertThat(s.mobility().model()).isEqualTo(LinkModel.WifiExponential.DEFAULT);
        assertThat(s.mobility().steps()).extracting(Scenario.Step::name).containsExactly("chain5", "wheel5");
        assertThat(s.mobility().steps().get(0).connected()).containsExactlyInAnyOrder("n1|n2", "n2|n1", "n2|n3", "n3|n2");
        assertThat(s.mobility().steps().get(1).connected()).contains("n1|n3"); // the wheel's hub n1 reaches every node
        assertThat(s.commands()).contains("modprobe batman-adv", "batctl if add eth0");
        assertThat(s.timeline()).isEmpty(); // 0 s each: `netloom step`
        assertThat(s.checks()).hasSize(1);
        assertThat(r.notConverted()).anyMatch(n -> n.contains("left out (as MiniWorld did)"))
                .anyMatch(n -> n.startsWith("network.links.configuration.nic_prefix = \"bat\""))
                .anyMatch(n -> n.contains("`netloom step`"));
    }

    @Test
    void nbBridgedLan_notesItsMisplacedModel_andItsMultiMode() {
        CoreImport.Result r = convert(MW.resolve("examples/nb_bridged_lan.json"), "tiny");
        assertThat(r.scenario().at("/linkModel/kind").asText()).isEqualTo("range"); // MiniWorld's default: it never read network.backend.links
        assertThat(r.notConverted()).anyMatch(n -> n.startsWith("network.backend.links.model = ") && n.contains("ignored this one too"))
                .noneMatch(n -> n.startsWith("network.backend.connection_mode \"single\""));
        assertThat(r.scenario().get("steps")).hasSize(3);
    }

    @Test
    void nbBridgedWifi_singleConnectionMode_withTheRangeModel_isTheSharedMedium() throws Exception {
        CoreImport.Result r = convert(MW.resolve("examples/nb_bridged_wifi.json"), "tiny");
        assertThat(r.scenario().at("/linkModel/mode").asText()).isEqualTo("lan");
        Scenario s = CoreImportTest.load(r);
        assertThat(s.mobility().medium()).isEqualTo("medium");
        assertThat(s.links()).isEmpty();
        assertThat(s.lans()).singleElement().satisfies(l -> assertThat(l.members()).hasSize(s.nodes().size()));
        assertThat(r.notConverted()).noneMatch(n -> n.startsWith("network.backend.connection_mode"));
    }

    @Test
    void singleConnectionMode_withTheWifiModel_isTheSharedMedium() throws Exception {
        CoreImport.Result r = convert(MW.resolve("examples/batman_adv.json"), "tiny");
        assertThat(r.scenario().at("/linkModel/mode").asText()).isEqualTo("lan");
        assertThat(r.scenario().at("/linkModel/kind").asText()).isEqualTo("wifi-exponential");
        Scenario s = CoreImportTest.load(r);
        assertThat(s.mobility().medium()).isEqualTo("medium");
        assertThat(s.links()).isEmpty();
        assertThat(r.notConverted()).noneMatch(n -> n.startsWith("network.backend.connection_mode"));
    }

    @Test
    void wifiCoreMode_placesNodesAtCoresGpsPoints_andSecondsBecomeTimelineSteps(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("wifi.json");
        Files.writeString(f, """
                { "scenario": "gps", "cnt_nodes": 5, "walk_model": {"name": "core"},
                  "provisioning": {"image": "x.img"},
                  // the model and the time of each topology
                  "network": {"links": {"model": "miniworld.model.network.linkqualitymodels.LinkQualityModelRange.LinkQualityModelRange"},
                              "core": {"topologies": [[10, "tests/core_topologies/chain5.xml"], [5, "wheel5.xml"], [0, "chain5.xml"]], "mode": "wifi"}}}
                """);
        CoreImport.Result r = convert(f, "tiny");
        Scenario s = CoreImportTest.load(r);
        assertThat(s.mobility().steps()).extracting(Scenario.Step::name).containsExactly("chain5", "wheel5", "chain5-2");
        assertThat(s.timeline()).containsExactly(new Scenario.TimelineEvent.StepTo(java.time.Duration.ofSeconds(10), 1),
                new Scenario.TimelineEvent.StepTo(java.time.Duration.ofSeconds(15), 2));
        // n1 and n2 of chain5 are 0.000626 degrees of latitude and 0.000668 of longitude apart at 47.57 N: about 89 m
        Position n1 = s.mobility().positions().get("n1");
        Position n2 = s.mobility().positions().get("n2");
        assertThat(n1).isEqualTo(new Position(0, 0));
        double haversine = 2 * 6_371_008.8 * Math.asin(Math.sqrt(Math.pow(Math.sin(Math.toRadians(47.5746845707 - 47.5740585908) / 2), 2)
                + Math.cos(Math.toRadians(47.5740585908)) * Math.cos(Math.toRadians(47.5746845707))
                * Math.pow(Math.sin(Math.toRadians(-122.122144143 + 122.121476475) / 2), 2)));
        assertThat(n1.distanceTo(n2)).isCloseTo(haversine, org.assertj.core.data.Offset.offset(haversine * 0.005));
        assertThat(r.scenario().at("/steps/0/positions/n1/lat").asDouble()).isEqualTo(47.5740585908);
    }

    @Test
    void badInput_failsClearly_andNamesTheFix(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"provisioning\": {\"image\": \"a.img\"}}");
        assertThatThrownBy(() -> convert(f, null)).isInstanceOf(BadInputException.class).hasMessageContaining("\"cnt_nodes\" is missing");
        Files.writeString(f, "{\"cnt_nodes\": 2, \"provisioning\": {\"image\": \"a.img\"}, \"network\": {\"links\": {\"model\": \"x.LinkQualityModelWiFiLinear\"}}}");
        assertThatThrownBy(() -> convert(f, null)).isInstanceOf(BadInputException.class).hasMessageContaining("no netloom counterpart");
        Files.writeString(f, "{\"cnt_nodes\": 2, \"provisioning\": {\"image\": \"a.img\"}, \"walk_model\": {\"name\": \"core\"},"
                + " \"network\": {\"core\": {\"topologies\": [[0, \"gone/missing.xml\"]]}}}");
        assertThatThrownBy(() -> convert(f, null)).isInstanceOf(BadInputException.class).hasMessageContaining("\"gone/missing.xml\" not found")
                .hasMessageContaining("--topologies");
        Files.writeString(f, "{\"cnt_nodes\": 2,");
        assertThatThrownBy(() -> convert(f, null)).isInstanceOf(BadInputException.class).hasMessageContaining("is not JSON");
        Files.writeString(f, "{\"cnt_nodes\": 99, \"provisioning\": {\"image\": \"a.img\"}}");
        assertThatThrownBy(() -> convert(f, null)).isInstanceOf(BadInputException.class).hasMessageContaining("at most 30 nodes");
        Files.writeString(f, "{\"cnt_nodes\": 2, \"provisioning\": {\"image\": \"a.img\"}, \"network\": {\"core\": {\"mode\": \"radio\"}}, \"walk_model\": {\"name\": \"core\"}}");
        assertThatThrownBy(() -> convert(f, null)).isInstanceOf(BadInputException.class).hasMessageContaining("topologies");
    }
}
