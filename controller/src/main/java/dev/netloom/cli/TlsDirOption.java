package dev.netloom.cli;

import dev.netloom.agent.LabTls;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** --tls-dir: the certificates of a lab spread over hosts, for its agents and its coordinator (docs/scale-out.md). */
final class TlsDirOption {

    @Option(names = "--tls-dir", required = true, paramLabel = "DIR",
            description = "The lab's certificates, made by `netloom certs create DIR --hosts HOSTS`: ca.crt and this side's certificate and key.")
    Path dir;

    /** The key and certificates of {@code who} (a host, or the coordinator); a missing or bad file is an error naming it (exit 2). */
    LabTls load(String who) {
        return LabTls.load(dir, who);
    }
}
