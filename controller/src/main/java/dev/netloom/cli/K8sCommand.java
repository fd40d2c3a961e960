package dev.netloom.cli;

import dev.netloom.k8s.Cluster;
import dev.netloom.k8s.Manifests;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.scenario.Names;
import dev.netloom.scenario.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** netloom k8s render|up|down: a lab spread over a Kubernetes cluster's nodes (docs/scale-out.md). */
@Command(name = "k8s", mixinStandardHelpOptions = true, header = "Run a lab spread over the nodes of a Kubernetes cluster.",
        description = "Render a lab's manifests (agents, coordinator, scenario, token and certificates), or apply and remove them through the Kubernetes API. See docs/scale-out.md.",
        subcommands = {K8sCommand.Render.class, K8sCommand.Up.class, K8sCommand.Down.class})
final class K8sCommand {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9./:@_-]{0,254}");

    /** What render and up share: the scenario, the hosts, the namespace and the image. */
    static final class Lab {
        @Mixin
        ScenarioFile file;

        @Option(names = "--namespace", defaultValue = "default", paramLabel = "NS", description = "The Kubernetes namespace; default ${DEFAULT-VALUE}.")
        String namespace;

        @Option(names = "--container-image", defaultValue = "netloom:latest", paramLabel = "IMAGE", description = "The container image with netloom and its images (docs/scale-out.md); default ${DEFAULT-VALUE}.")
        String image;

        /** The objects, with a fresh token and a fresh set of certificates; {@code hosts} default to 2. */
        List<HasMetadata> objects(HostsOption hosts) throws IOException {
            check(namespace, image);
            Scenario scenario = file.load();
            if (scenario.name().endsWith("-")) {
                throw new BadInputException("lab " + scenario.name() + ": Kubernetes names may not end with '-': rename the lab");
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return Manifests.render(scenario, Files.readString(file.path, StandardCharsets.UTF_8), hosts.hosts("2"),
                    new Manifests.Options(namespace, image, HexFormat.of().formatHex(random),
                            dev.netloom.agent.LabCertificates.create(hosts.hosts("2").stream().map(dev.netloom.partition.HostSpec::name).toList())));
        }
    }

    static void check(String namespace, String image) {
        if (!DNS_LABEL.matcher(namespace).matches()) {
            throw new BadInputException("bad --namespace '" + namespace + "': a Kubernetes namespace is a DNS label (lowercase letters, digits, '-')");
        }
        if (image != null && !IMAGE.matcher(image).matches()) {
            throw new BadInputException("bad --container-image '" + image + "': write an image reference such as registry.example/netloom:0.1");
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true, description = "Write the lab's manifests as YAML files into a directory (one object per file, in apply order).")
    static final class Render implements Callable<Integer> {
        @Mixin
        Lab lab;

        @Mixin
        HostsOption hosts;

        @Option(names = {"-o", "--into"}, paramLabel = "DIR", required = true, description = "The directory to write into (created).")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<HasMetadata> objects = lab.objects(hosts);
            Files.createDirectories(out);
            int i = 0;
            for (HasMetadata o : objects) {
                Path f = out.resolve(String.format("%02d-%s-%s.yaml", i++, o.getKind().toLowerCase(Locale.ROOT), o.getMetadata().getName()));
                Files.deleteIfExists(f);
                // owner-only from the start: the Secret holds the lab's token
                Files.createFile(f, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(f, Serialization.asYaml(o));
                System.out.println(f);
            }
            return 0;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Create the lab's objects in the cluster of the current kubeconfig context (or in-cluster).")
    static final class Up implements Callable<Integer> {
        @Mixin
        Lab lab;

        @Mixin
        HostsOption hosts;

        @Override
        public Integer call() throws IOException {
            List<HasMetadata> objects = lab.objects(hosts);
            try (KubernetesClient client = new KubernetesClientBuilder().build()) {
                Cluster.up(client, objects, Say::line);
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                throw new NetloomException("the Kubernetes API refused: " + e.getMessage() + " (is kubectl's context the cluster you mean?)", e);
            }
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Delete every object of a lab from the cluster.")
    static final class Down implements Callable<Integer> {
        @Parameters(paramLabel = "LAB", description = "The lab's name.")
        String lab;

        @Option(names = "--namespace", defaultValue = "default", paramLabel = "NS", description = "The Kubernetes namespace; default ${DEFAULT-VALUE}.")
        String namespace;

        @Override
        public Integer call() {
            check(namespace, null);
            if (!Names.LAB.matcher(lab).matches()) {
                throw new BadInputException("bad lab name '" + lab + "'");
            }
            try (KubernetesClient client = new KubernetesClientBuilder().build()) {
                int n = Cluster.down(client, namespace, lab, Say::line);
                Say.line(n == 0 ? "no objects of lab " + lab + " in namespace " + namespace : n + " objects of lab " + lab + " deleted");
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                throw new NetloomException("the Kubernetes API refused: " + e.getMessage() + " (is kubectl's context the cluster you mean?)", e);
            }
            return 0;
        }
    }
}
