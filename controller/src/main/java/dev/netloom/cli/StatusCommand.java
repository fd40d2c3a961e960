package dev.netloom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netloom.lab.Cleanup;
import dev.netloom.lab.LabPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Lists labs and their nodes from their journals. */
@Command(name = "status", mixinStandardHelpOptions = true, header = "Show running labs.", description = "Show running labs: state, controller, namespace, run directory, nodes and their QEMU pids.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(paramLabel = "LAB", arity = "0..1", description = "Only this lab.")
    String name;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cleanup.LabEntry lab : Cleanup.labs()) {
            if (name != null && !name.equals(lab.name())) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", lab.name());
            m.put("state", lab.controllerAlive() ? lab.journal().state() : "CRASHED (run `netloom cleanup`)");
            m.put("controllerPid", lab.journal().controller());
            m.put("namespace", lab.journal().namespace());
            m.put("runDirectory", lab.dir().toString());
            m.put("socket", LabApi.socket(lab).toString());
            m.put("events", new LabPaths(lab.dir()).events().toString());
            m.put("nodes", lab.journal().nodes());
            out.add(m);
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
        } else if (out.isEmpty()) {
            System.out.println(name == null ? "no labs are running" : "no lab named " + name);
        } else {
            for (Map<String, Object> m : out) {
                System.out.printf("%s  %s  controller %s  namespace %s  %s%n  nodes: %s%n", m.get("lab"), m.get("state"),
                        m.get("controllerPid"), m.get("namespace"), m.get("runDirectory"), m.get("nodes"));
            }
        }
        return 0;
    }
}
