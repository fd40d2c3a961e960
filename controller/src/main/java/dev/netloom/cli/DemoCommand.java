package dev.netloom.cli;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** The one-command tour: builds the tiny image if missing, runs scenarios/quickstart.json, tears it down. */
@Command(name = "demo", mixinStandardHelpOptions = true, header = "Run the quickstart scenario: three tiny nodes that ping each other.",
        description = {"Run the quickstart scenario (three tiny nodes in a line, a - b - c, static routes, every node pings",
                "every other), print the summary and tear the lab down. Installs what is missing and builds the tiny",
                "image first when needed."})
final class DemoCommand implements Callable<Integer> {

    static final String QUICKSTART = "/netloom/scenarios/quickstart.json";

    @Mixin
    AccelOption accel;

    @Override
    public Integer call() throws Exception {
        Accel requested = accel.requested();
        HostSetup.ensure(Say::line);
        ImageStore store = ImageStore.fromEnvironment();
        new TinyImageBuilder(store, Say::line).build(false);
        String json;
        try (InputStream in = DemoCommand.class.getResourceAsStream(QUICKSTART)) {
            if (in == null) {
                throw new NetloomException("the netloom jar lacks " + QUICKSTART + " (rebuild it: rm -rf controller/target && ./netloom --help)");
            }
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new NetloomException("cannot read the quickstart scenario: " + e.getMessage(), e);
        }
        return RunCommand.run(new ScenarioLoader(name -> store.find(name).isPresent()).load(json, "scenarios/quickstart.json"),
                requested, null, false, new Results.Source("scenarios/quickstart.json", json.getBytes(StandardCharsets.UTF_8)));
    }
}
