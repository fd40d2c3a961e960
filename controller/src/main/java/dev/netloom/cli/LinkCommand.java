package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.impairment.Field;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Changes a link of a running lab: its impairment, or its state. */
@Command(name = "link", mixinStandardHelpOptions = true, header = "Change a link of a running lab (impairment, down, up).",
        description = "Change a link of a running lab: `link set LINK --delay 50ms ...`, `link down LINK [--direction A->B]`, `link up LINK [--direction A->B]`, `link list`.",
        subcommands = {LinkCommand.Set.class, LinkCommand.Down.class, LinkCommand.Up.class, LinkCommand.ListLinks.class})
final class LinkCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Replace a link's impairment at run time (the nodes and the link stay up). Values as in scenario files.",
                    "Fields you give are merged into the current impairment; --clear removes it."})
    static final class Set implements Callable<Integer> {
        @Mixin
        LabOption lab;
        @Parameters(paramLabel = "LINK", description = "Link or LAN name (see `netloom link list`).")
        String link;
        @Option(names = "--direction", paramLabel = "A->B", description = "Only this direction (default: both).")
        String direction;
        @Option(names = "--delay", paramLabel = "D", description = "e.g. 50ms")
        String delay;
        @Option(names = "--jitter", paramLabel = "D", description = "e.g. 5ms (needs a delay)")
        String jitter;
        @Option(names = "--loss", paramLabel = "P", description = "e.g. 1%%")
        String loss;
        @Option(names = "--rate", paramLabel = "R", description = "e.g. 10mbit")
        String rate;
        @Option(names = "--duplicate", paramLabel = "P", description = "e.g. 1%%")
        String duplicate;
        @Option(names = "--corrupt", paramLabel = "P", description = "e.g. 0.1%%")
        String corrupt;
        @Option(names = "--reorder", paramLabel = "P", description = "e.g. 25%% (needs a delay)")
        String reorder;
        @Option(names = "--clear", description = "Remove the impairment.")
        boolean clear;

        @Override
        public Integer call() {
            ObjectNode imp = Json.MAPPER.createObjectNode();
            put(imp, "delay", delay);
            put(imp, "jitter", jitter);
            put(imp, "loss", loss);
            put(imp, "rate", rate);
            put(imp, "duplicate", duplicate);
            put(imp, "corrupt", corrupt);
            put(imp, "reorder", reorder);
            if (imp.isEmpty() && !clear) {
                throw new BadInputException("nothing to set: give --" + String.join(", --", Field.KEYS) + " or --clear");
            }
            ObjectNode params = Json.MAPPER.createObjectNode().put("link", link);
            if (direction != null) {
                params.put("direction", direction);
            }
            if (clear) {
                params.put("clear", true);
            } else {
                params.set("impairment", imp);
            }
            try (ApiClient api = lab.connect()) {
                api.call("link.set", params, Duration.ofSeconds(60));
            }
            Say.line("link " + link + (direction == null ? "" : " " + direction) + ": " + (clear ? "impairment cleared" : "impairment set to " + imp));
            return 0;
        }

        private static void put(ObjectNode o, String key, String value) {
            if (value != null) {
                o.put(key, value);
            }
        }
    }

    abstract static class State implements Callable<Integer> {
        @Mixin
        LabOption lab;
        @Parameters(paramLabel = "LINK", description = "Link or LAN name.")
        String link;
        @Option(names = "--direction", paramLabel = "A->B", description = "Only this direction (default: both).")
        String direction;

        abstract boolean up();

        @Override
        public Integer call() {
            ObjectNode params = Json.MAPPER.createObjectNode().put("link", link).put("up", up());
            if (direction != null) {
                params.put("direction", direction);
            }
            try (ApiClient api = lab.connect()) {
                api.call("link.state", params, Duration.ofSeconds(120));
            }
            Say.line("link " + link + (direction == null ? "" : " " + direction) + " is " + (up() ? "up" : "down"));
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = {"Take a link down: no frame passes; with static routing the lab reroutes.",
            "With --direction a->b only a's traffic to b stops (b's to a still flows), and routes avoid the link for that direction only."})
    static final class Down extends State {
        @Override
        boolean up() {
            return false;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = {"Bring a link back up (and, with static routing, the shortest routes back).",
            "With --direction a->b only that direction comes back."})
    static final class Up extends State {
        @Override
        boolean up() {
            return true;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the lab's links: members, state, impairments and engines.")
    static final class ListLinks implements Callable<Integer> {
        @Mixin
        LabOption lab;

        @Override
        public Integer call() throws Exception {
            try (ApiClient api = lab.connect()) {
                JsonNode links = api.call("links.list", Json.MAPPER.createObjectNode(), Duration.ofSeconds(30));
                System.out.println(Json.PRETTY.writeValueAsString(links));
            }
            return 0;
        }
    }
}
