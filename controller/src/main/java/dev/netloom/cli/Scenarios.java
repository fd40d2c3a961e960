package dev.netloom.cli;

import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;

import java.nio.file.Path;
import java.util.List;

/** What every lab-running command does the same way: load the scenario, resolve acceleration, serve the API. */
final class Scenarios {

    private Scenarios() {
    }

    /**
     * The acceleration for nodes of the host's own architecture: as asked, or probed with that
     * architecture's tiny image (TCG when there is none to probe with). Nodes of other architectures
     * always run under TCG ({@code Arch.accel}).
     */
    static Accel accel(Accel requested, ImageStore store) {
        String tinyName = TinyImageBuilder.nameFor(Arch.host().orElse(Arch.X86_64));
        Path tiny = store.find(tinyName).isPresent() ? store.dir(tinyName) : null;
        return AccelProbe.forHost().resolve(requested, tiny).accel();
    }

    /**
     * Installs (as root; otherwise fails with the apt-get command) the emulators of the scenario's
     * architectures other than x86_64, whose emulator every command that needs the host installs, and
     * tcpdump for a scenario with a flight recorder.
     */
    static void ensureEmulators(Scenario scenario) {
        ImageStore store = ImageStore.fromEnvironment();
        List<String> emulators = scenario.nodes().stream().map(n -> n.image()).distinct()
                .map(image -> store.find(image).map(ImageManifest::arch).orElse(Arch.X86_64))
                .filter(a -> a != Arch.X86_64).distinct().map(Arch::qemu).toList();
        HostSetup.ensurePrograms(emulators, Say::line);
        if (scenario.capture().recorder()) {
            HostSetup.ensurePrograms(List.of("tcpdump"), Say::line);
        }
    }

    static Scenario load(Path file) {
        ImageStore store = ImageStore.fromEnvironment();
        return new ScenarioLoader(name -> store.find(name).isPresent()).load(file);
    }
}
