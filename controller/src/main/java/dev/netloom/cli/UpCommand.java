package dev.netloom.cli;

import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Install;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.host.Proc;
import dev.netloom.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Starts a lab with a detached controller and returns once it is READY. */
@Command(name = "up", mixinStandardHelpOptions = true, header = "Bring a lab up in the background; returns once it is READY.",
        description = {"Bring a lab up with a controller in the background and return once it is READY (configured, routed,",
                "checks run); prints the lab's name. Then use exec, link, console, status and down, or the socket API",
                "(docs/api.md). Ctrl-C before READY tears the lab down. Exit 1 when the lab failed to come up or a check",
                "failed (the lab then stays up), 2 for bad input or when a lab of that name is already up."})
final class UpCommand implements Callable<Integer> {

    /** How long `up`, interrupted before READY, waits for the controller to tear the lab down. */
    static final java.time.Duration ABANDON_WAIT = java.time.Duration.ofMinutes(2);

    @Mixin
    ScenarioFile file;

    @Mixin
    AccelOption accel;

    @Mixin
    ForkOption fork;

    @Mixin
    ListenOption listen;

    @Mixin
    ObserveOptions observe;

    @Mixin
    KsmOption ksm;

    @Override
    public Integer call() throws Exception {
        // bad input fails here, before anything starts (even apt-get); the controller reads these again
        accel.requested();
        listen.address();
        observe.check();
        Scenario scenario = ksm.apply(file.load());
        HostSetup.ensure(Say::line);
        Scenarios.ensureEmulators(scenario);
        // a crashed run of this name is fine (the controller removes its leftovers); a live one is not
        if (Cleanup.labs().stream().anyMatch(l -> l.name().equals(scenario.name()) && l.controllerAlive())) {
            throw new BadInputException("lab " + scenario.name() + " is already up; take it down first: netloom down " + scenario.name());
        }
        List<String> cmd = new ArrayList<>(List.of("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Install.current().systemProperties()); // the controller knows the install layout as this JVM does
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Netloom.class.getName(), "serve", file.path.toAbsolutePath().toString(),
                "--accel", accel.requested().qemuName()));
        if (listen.address() != null) {
            cmd.addAll(List.of("--listen", listen.resolved()));
        }
        cmd.addAll(observe.passOn());
        if (ksm.off) {
            cmd.add("--no-ksm");
        }
        if (!fork.allowed()) {
            cmd.add("--no-fork");
        }
        Process controller = Proc.start(cmd, Proc.NO_INPUT, ProcessBuilder.Redirect.PIPE);
        // Ctrl-C or SIGTERM of `up` before the lab is READY means "I do not want it": the controller (its
        // own session, so the terminal's signal does not reach it) gets SIGTERM and tears the lab down
        AtomicBoolean handedOver = new AtomicBoolean();
        Thread abandon = new Thread(() -> {
            if (!handedOver.get() && controller.isAlive()) {
                controller.destroy();
                try {
                    controller.waitFor(ABANDON_WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "netloom-up-abandon");
        Runtime.getRuntime().addShutdownHook(abandon);
        try {
            return await(scenario, controller);
        } finally {
            handedOver.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(abandon);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs (and does nothing once the lab was handed over)
            }
        }
    }

    /** Relays the controller's output until it says READY (exit 0, or 1 if a check failed) or ends. */
    private static int await(Scenario scenario, Process controller) throws Exception {
        Deque<String> tail = new ArrayDeque<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(controller.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(ServeCommand.READY_LINE)) {
                // the controller runs on; its later output goes nowhere (the lab's events.log has it)
                System.out.println(scenario.name());
                String checks = line.replaceAll(".* checks ", "");
                String[] passedOfAll = checks.split("/");
                boolean ok = passedOfAll.length == 2 && passedOfAll[0].equals(passedOfAll[1]);
                Say.line("lab " + scenario.name() + " is up (controller pid " + controller.pid() + "); checks passed: " + checks);
                return ok ? 0 : 1;
            }
            System.err.println(line);
            tail.addLast(line);
            if (tail.size() > 20) {
                tail.removeFirst();
            }
        }
        int code = controller.waitFor();
        if (code == 2) {
            // bad input the controller found (e.g. another `up` of this name won): its message is already printed
            return 2;
        }
        throw new NetloomException("the lab's controller exited with code " + code + " before the lab was READY" + (tail.isEmpty() ? "" : "; it said:\n" + String.join("\n", tail)));
    }
}
