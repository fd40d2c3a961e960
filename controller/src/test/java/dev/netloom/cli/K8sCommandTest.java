package dev.netloom.cli;

import dev.netloom.k8s.Manifests;
import dev.netloom.partition.HostSpec;
import dev.netloom.scenario.ImageCheck;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class K8sCommandTest {

    /** The netloom command lines in the rendered containers are ones this netloom accepts. */
    @Test
    void renderedContainers_runCommandsThatParse() {
        String text = "{\"name\": \"ring\", \"generate\": {\"topology\": \"ring\", \"nodes\": 4}}";
        Scenario s = new ScenarioLoader(ImageCheck.ANY).load(text, "ring.json");
        List<String> parsed = new ArrayList<>();
        for (HasMetadata o : Manifests.render(s, text, HostSpec.parseList("2"), new Manifests.Options("default", "netloom:dev", "t".repeat(64), dev.netloom.agent.LabCertificates.create(java.util.List.of("h1", "h2"))))) {
            PodSpec spec = o instanceof Pod p ? p.getSpec() : o instanceof Job j ? j.getSpec().getTemplate().getSpec() : null;
            if (spec == null) {
                continue;
            }
            String shell = spec.getContainers().get(0).getCommand().get(2);
            String line = shell.substring(shell.indexOf("exec netloom ") + "exec netloom ".length()).replace("\"$H\"", "h1@10.0.0.1,h2@10.0.0.2");
            CommandLine.ParseResult r = new CommandLine(new Netloom()).parseArgs(line.split(" "));
            assertThat(r.subcommand()).as(line).isNotNull();
            parsed.add(r.subcommand().commandSpec().name() + " " + Arrays.toString(r.subcommand().expandedArgs().toArray()).contains("--host"));
        }
        assertThat(parsed).containsExactly("agent true", "agent true", "coordinate true");
    }
}
