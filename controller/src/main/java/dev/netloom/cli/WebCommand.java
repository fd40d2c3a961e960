package dev.netloom.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.nodes.Config;
import dev.netloom.nodes.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Asks a running lab's controller to serve its web view (API lab.web) and prints the URL. */
@Command(name = "web", mixinStandardHelpOptions = true, header = "Serve a running lab's web view and print its URL.",
        description = {"The lab's controller serves the web view (docs/web.md: the live topology, a console per node, link and",
                "node actions) on a loopback port, unless it already does, and this prints the URL to open. The URL",
                "carries the lab's token once; the browser then keeps it in a cookie. The view stays until the lab goes down."})
final class WebCommand implements Callable<Integer> {

    @Parameters(paramLabel = "LAB", arity = "0..1", description = "The lab (default: the only one running).")
    String name;

    @Option(names = "--address", paramLabel = "127.0.0.1:PORT", description = "Where to serve it (default: a free port on 127.0.0.1).")
    String address;

    @Override
    public Integer call() throws Exception {
        if (address != null) {
            Config.loopback(address, "--address " + address); // bad input before the lab is asked
        }
        try (ApiClient api = LabApi.connect(name)) {
            ObjectNode params = Json.MAPPER.createObjectNode();
            if (address != null) {
                params.put("address", address);
            }
            System.out.println(api.call("lab.web", params, Duration.ofSeconds(30)).path("url").asText());
        }
        return 0;
    }
}
