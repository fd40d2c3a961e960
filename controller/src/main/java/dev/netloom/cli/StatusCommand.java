package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.lab.Cleanup;
import dev.netloom.lab.HostMemory;
import dev.netloom.lab.MemoryMerging;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Lists labs: from their journals, and, for a lab whose controller is live, from its API (node states,
 * boot times, links with the impairment engine of each direction).
 */
@Command(name = "status", mixinStandardHelpOptions = true, header = "Show running labs.",
        description = "Show running labs: state, controller, namespace, run directory and API socket; nodes with their state and QEMU pid;"
                + " links with their impairments and the engine (host netem, guest netem, host TBF) each direction uses.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(paramLabel = "LAB", arity = "0..1", description = "Only this lab.")
    String name;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Cleanup.LabEntry lab : Cleanup.labs()) {
            if (name == null || name.equals(lab.name())) {
                out.add(describe(lab));
            }
        }
        if (json.enabled) {
            System.out.println(Json.PRETTY.writeValueAsString(out));
        } else if (out.isEmpty()) {
            System.out.println(name == null ? "no labs are running" : "no lab named " + name);
        } else {
            out.forEach(StatusCommand::print);
        }
        return 0;
    }

    private static ObjectNode describe(Cleanup.LabEntry lab) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("lab", lab.name());
        m.put("runDirectory", lab.dir().toString());
        if (lab.journal() == null) {
            // one unreadable lab must not hide the others: say what is wrong with it and go on
            m.put("state", "UNKNOWN");
            m.put("problem", lab.problem() + " (`netloom cleanup` removes it once nobody runs it)");
            return m;
        }
        m.put("state", lab.controllerAlive() ? lab.journal().state().name() : "CRASHED (run `netloom cleanup`)");
        m.put("controllerPid", lab.journal().controller().pid());
        m.put("namespace", lab.journal().namespace());
        m.put("socket", LabApi.socket(lab).toString());
        m.put("events", lab.paths().events().toString());
        ObjectNode pids = m.putObject("pids");
        lab.journal().nodes().forEach((node, all) -> pids.put(node, all.isEmpty() ? 0 : all.get(all.size() - 1)));
        m.put("reservedMiB", lab.journal().reservedMiB());
        m.put("heldMiB", HostMemory.heldMiB(lab.journal().nodes().values().stream().filter(all -> !all.isEmpty()).map(all -> all.get(all.size() - 1)).toList()));
        m.put("ksm", MemoryMerging.host().describe());
        if (lab.controllerAlive() && Files.exists(LabApi.socket(lab))) {
            try (ApiClient api = ApiClient.connect(LabApi.socket(lab), Duration.ofSeconds(3))) {
                JsonNode live = api.call("lab.status", Json.MAPPER.createObjectNode(), Duration.ofSeconds(10));
                m.put("state", live.path("state").asText(m.path("state").asText()));
                m.set("nodes", live.path("nodes"));
                m.set("links", live.path("links"));
                if (live.hasNonNull("web")) {
                    m.put("web", live.path("web").asText()); // the web view's URL, with the token (netloom web starts it)
                }
            } catch (NetloomException e) {
                m.put("api", "not answering: " + e.getMessage());
            }
        }
        return m;
    }

    private static void print(JsonNode m) {
        if (m.has("problem")) {
            System.out.printf("lab %s  %s  run directory %s%n  %s%n", m.path("lab").asText(), m.path("state").asText(),
                    m.path("runDirectory").asText(), m.path("problem").asText());
            return;
        }
        System.out.printf("lab %s  %s  controller %s  namespace %s%n  run directory %s%n  API socket %s%n", m.path("lab").asText(),
                m.path("state").asText(), m.path("controllerPid").asText(), m.path("namespace").asText(),
                m.path("runDirectory").asText(), m.path("socket").asText());
        System.out.printf("  memory: its QEMUs hold %s MiB of their own (reserved %s MiB); KSM %s%n", m.path("heldMiB").asText(),
                m.path("reservedMiB").asText(), m.path("ksm").asText());
        if (m.has("web")) {
            System.out.printf("  web view %s%n", m.path("web").asText().replaceFirst("\\?token=.*", "") + " (`netloom web " + m.path("lab").asText()
                    + "` prints the URL with the token)");
        }
        if (m.has("nodes")) {
            for (JsonNode n : m.path("nodes")) {
                System.out.printf("  node %-15s %-8s pid %-8s boot %s ms%n", n.path("name").asText(), n.path("state").asText(),
                        n.path("pid").asText(), n.path("bootMillis").asText("-"));
            }
            for (JsonNode l : m.path("links")) {
                StringBuilder engines = new StringBuilder();
                boolean medium = l.path("kind").asText().equals("medium");
                for (Iterator<Map.Entry<String, JsonNode>> it = l.path("engines").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!medium || !e.getValue().asText().equals("none")) { // a medium has a direction per pair: those shaped only
                        engines.append(' ').append(e.getKey()).append('=').append(e.getValue().asText());
                    }
                }
                List<String> downOneWay = new ArrayList<>();
                l.path("state").fields().forEachRemaining(e -> {
                    if (e.getValue().asText().equals("down")) {
                        downOneWay.add(e.getKey());
                    }
                });
                // a link down one way shows which way ("DOWN a->b"); down both ways it is DOWN
                String state = l.path("up").asBoolean(true) ? "up" : downOneWay.size() == 1 ? "DOWN " + downOneWay.get(0) : "DOWN";
                if (l.path("kind").asText().equals("medium") && !downOneWay.isEmpty()) {
                    // a medium is up; its pairs that do not hear each other now ("a->c": c does not hear a)
                    state = "up, apart " + String.join(" ", downOneWay);
                }
                System.out.printf("  link %-15s %-4s%s%n", l.path("name").asText(), state, engines);
            }
        } else {
            System.out.println("  node pids: " + m.path("pids"));
            if (m.has("api")) {
                System.out.println("  API " + m.path("api").asText());
            }
        }
    }
}
