package dev.netloom.convert;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MiniWorld's own CORE XML topologies (test resources, MIT licence beside them) converted and loaded. */
class CoreImportTest {

    static final Path DIR = Path.of("src", "test", "resources", "miniworld", "core_topologies");

    static Scenario load(CoreImport.Result r) throws Exception {
        return new ScenarioLoader(img -> true).load(Json.PRETTY.writeValueAsString(r.scenario()), "converted.json");
    }

    @Test
    void everyMiniWorldTopology_convertsAndLoads() throws Exception {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.sorted().toList()) {
                Scenario s = load(CoreImport.convert("t", "tiny", List.of(CoreXml.read(f))));
                assertThat(s.nodes()).as(f.toString()).hasSize(5);
            }
        }
    }

    @Test
    void chain5_keepsCoresAddresses_andPositionsInMetres() throws Exception {
        CoreXml.Topology chain = CoreXml.read(DIR.resolve("chain5.xml"));
        Scenario s = load(CoreImport.convert("chain", "tiny", List.of(chain)));
        assertThat(s.links()).hasSize(4);
        Scenario.LinkDef n1n2 = s.links().stream().filter(l -> l.a().node().equals("n1") || l.b().node().equals("n1")).findFirst().orElseThrow();
        assertThat(List.of(n1n2.a().address(), n1n2.b().address())).containsExactlyInAnyOrder("10.0.0.20/24", "10.0.0.21/24");
        assertThat(List.of(n1n2.a().address6(), n1n2.b().address6())).containsExactlyInAnyOrder("2001::20/64", "2001::21/64");
        double[] n1 = chain.host("n1").xy();
        // n1 is 0.0051 degrees south and 0.0108 east of the origin: about 570 m south, 810 m east
        assertThat(n1[0]).isBetween(800.0, 820.0);
        assertThat(n1[1]).isBetween(-580.0, -560.0);
    }

    @Test
    void chainThenWheel_isATopologyModel_withTwoSteps() throws Exception {
        CoreImport.Result r = CoreImport.convert("mw", "tiny", List.of(CoreXml.read(DIR.resolve("chain5.xml")), CoreXml.read(DIR.resolve("wheel5.xml"))));
        Scenario s = load(r);
        assertThat(s.links()).hasSize(10); // every pair of five
        assertThat(s.links().stream().filter(l -> !l.startsDown())).hasSize(4);
        assertThat(s.mobility().steps()).extracting(Scenario.Step::name).containsExactly("chain5", "wheel5");
        assertThat(s.mobility().steps().get(1).connected()).contains("n1|n4", "n1|n5", "n1|n3", "n1|n2").hasSize(16);
        assertThat(r.notConverted()).anyMatch(n -> n.contains("MAC"));
    }

    @Test
    void notCore_failsClearly() throws Exception {
        Path f = Files.createTempFile("notcore", ".xml");
        Files.writeString(f, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>");
        assertThatThrownBy(() -> CoreXml.read(f)).isInstanceOf(BadInputException.class).hasMessageContaining("not well-formed");
        Files.writeString(f, "<topology/>");
        assertThatThrownBy(() -> CoreXml.read(f)).isInstanceOf(BadInputException.class).hasMessageContaining("<scenario>");
        Files.delete(f);
    }
}
