package dev.netloom.cli;

import dev.netloom.lab.Cleanup;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process and captures its exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    static synchronized CliRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Netloom.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Takes {@code lab} down with the CLI if it is up; whatever a failed down leaves is cleaned up. For tests' AfterAll. */
    static void down(String lab) {
        Cleanup.labs().stream().filter(l -> l.name().equals(lab)).forEach(l -> {
            of("down", lab);
            Cleanup.labs().stream().filter(x -> x.name().equals(lab)).forEach(x -> Cleanup.clean(x, System.err::println));
        });
    }
}
