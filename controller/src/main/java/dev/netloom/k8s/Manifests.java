package dev.netloom.k8s;

import dev.netloom.agent.LabCertificates;
import dev.netloom.partition.HostSpec;
import dev.netloom.partition.Partition;
import dev.netloom.partition.Partitioner;
import dev.netloom.lab.Lab;
import dev.netloom.scenario.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Kubernetes objects of a lab spread over hosts (docs/scale-out.md): the scenario in a ConfigMap,
 * the shared token and the lab's certificates in a Secret (each pod mounts only its own key), a headless Service that gives every agent a DNS name, one privileged
 * Pod per host (kept on different nodes) running {@code netloom agent} with /dev/kvm and
 * /dev/net/tun, and a Job running {@code netloom coordinate}. Every object carries the label
 * {@link #LAB_LABEL}, by which {@code k8s down} finds them. Only names netloom checked (the lab's,
 * the hosts') reach the containers' command lines; the scenario itself travels as a file.
 */
public final class Manifests {

    public static final String LAB_LABEL = "netloom.dev/lab";
    static final String ROLE_LABEL = "netloom.dev/role";
    static final String SCENARIO_DIR = "/etc/netloom";
    static final String SECRET_DIR = "/etc/netloom-secret";
    private static final int API_PORT = HostSpec.DEFAULT_PORT;

    /**
     * What to render: where, with which container image, the shared token and the lab's certificates
     * ({@link dev.netloom.agent.LabCertificates#create}: file name to PEM).
     */
    public record Options(String namespace, String image, String token, Map<String, String> certificates) {
    }

    private Manifests() {
    }

    /** Objects prefix: {@code netloom-LAB}. */
    public static String prefix(String lab) {
        return "netloom-" + lab;
    }

    /** Every object, in the order they are best created (config first, pods before the job that needs them). */
    public static List<HasMetadata> render(Scenario scenario, String scenarioText, List<HostSpec> hosts, Options o) {
        Partition partition = Partitioner.partition(Lab.planOf(scenario), hosts, scenario.ksm());
        String lab = scenario.name();
        String p = prefix(lab);
        List<HasMetadata> out = new ArrayList<>();
        out.add(new ConfigMapBuilder().withNewMetadata().withName(p + "-scenario").withNamespace(o.namespace()).withLabels(labels(lab, "config")).endMetadata()
                .addToData("scenario.json", scenarioText).build());
        out.add(new SecretBuilder().withNewMetadata().withName(p + "-token").withNamespace(o.namespace()).withLabels(labels(lab, "config")).endMetadata()
                .withType("Opaque").addToStringData("token", o.token()).addToStringData(o.certificates()).build());
        out.add(new ServiceBuilder().withNewMetadata().withName(p).withNamespace(o.namespace()).withLabels(labels(lab, "agents")).endMetadata()
                .withNewSpec().withClusterIP("None").withPublishNotReadyAddresses(true).withSelector(labels(lab, "agent"))
                .addNewPort().withName("api").withPort(API_PORT).withProtocol("TCP").endPort()
                .addNewPort().withName("vxlan").withPort(dev.netloom.fabric.Tunnel.PORT).withProtocol("UDP").endPort()
                .endSpec().build());
        for (HostSpec h : hosts) {
            String cmd = resolveHosts(lab, hosts, o.namespace()) + "exec netloom agent " + SCENARIO_DIR + "/scenario.json --hosts \"$H\" --host " + h.name()
                    + " --token-file " + SECRET_DIR + "/token --tls-dir " + SECRET_DIR; // its API on its pod IP (its address in $H), port 7400
            Container agent = container("agent", o.image(), cmd, partition.loadMiB().get(h.name()));
            PodSpec spec = podSpec(p, agent, "Always", h.name()).withHostname(p + "-" + h.name()).withSubdomain(p)
                    .withNewAffinity().withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .withTopologyKey("kubernetes.io/hostname").withNewLabelSelector().withMatchLabels(labels(lab, "agent")).endLabelSelector()
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().endAffinity().build();
            Map<String, String> labels = labels(lab, "agent");
            labels.put("netloom.dev/host", h.name());
            out.add(new PodBuilder().withNewMetadata().withName(p + "-" + h.name()).withNamespace(o.namespace()).withLabels(labels).endMetadata()
                    .withSpec(spec).build());
        }
        String coordinate = resolveHosts(lab, hosts, o.namespace()) + "exec netloom coordinate " + SCENARIO_DIR + "/scenario.json --hosts \"$H\" --token-file "
                + SECRET_DIR + "/token --tls-dir " + SECRET_DIR;
        out.add(new JobBuilder().withNewMetadata().withName(p + "-coordinator").withNamespace(o.namespace()).withLabels(labels(lab, "coordinator")).endMetadata()
                .withNewSpec().withBackoffLimit(6).withNewTemplate().withNewMetadata().withLabels(labels(lab, "coordinator")).endMetadata()
                .withSpec(podSpec(p, container("coordinator", o.image(), coordinate, null), "OnFailure", LabCertificates.COORDINATOR).build()).endTemplate().endSpec().build());
        return out;
    }

    static Map<String, String> labels(String lab, String role) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("app.kubernetes.io/name", "netloom");
        m.put(LAB_LABEL, lab);
        m.put(ROLE_LABEL, role);
        return m;
    }

    /**
     * Shell lines that wait until every agent's DNS name resolves (the headless Service publishes
     * them before they are ready) and collect {@code NAME@ADDRESS,...} in {@code $H}, in host order.
     */
    static String resolveHosts(String lab, List<HostSpec> hosts, String namespace) {
        String names = hosts.stream().map(HostSpec::name).collect(Collectors.joining(" "));
        String domain = prefix(lab) + "." + namespace + ".svc.cluster.local";
        return "set -e; H=''; for h in " + names + "; do a=''; until a=$(getent hosts " + prefix(lab) + "-$h." + domain
                + " | cut -d' ' -f1) && [ -n \"$a\" ]; do sleep 2; done; H=\"$H${H:+,}$h@$a\"; done; ";
    }

    private static Container container(String name, String image, String command, Long memoryMiB) {
        ContainerBuilder c = new ContainerBuilder().withName(name).withImage(image).withCommand("sh", "-c", command)
                .withNewSecurityContext().withPrivileged(true).endSecurityContext()
                .addNewVolumeMount().withName("scenario").withMountPath(SCENARIO_DIR).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("secret").withMountPath(SECRET_DIR).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("kvm").withMountPath("/dev/kvm").endVolumeMount()
                .addNewVolumeMount().withName("tun").withMountPath("/dev/net/tun").endVolumeMount()
                .addNewVolumeMount().withName("modules").withMountPath("/lib/modules").withReadOnly(true).endVolumeMount();
        if (name.equals("agent")) {
            c.addNewPort().withName("api").withContainerPort(API_PORT).withProtocol("TCP").endPort()
                    .addNewPort().withName("vxlan").withContainerPort(dev.netloom.fabric.Tunnel.PORT).withProtocol("UDP").endPort();
        }
        if (memoryMiB != null && memoryMiB > 0) {
            c.withNewResources().addToRequests("memory", new Quantity(memoryMiB + "Mi")).endResources();
        }
        return c.build();
    }

    /** A pod's spec; of the Secret it mounts the token, the CA and {@code who}'s certificate and key only. */
    private static PodSpecBuilder podSpec(String p, Container c, String restart, String who) {
        List<KeyToPath> items = Stream.of("token", LabCertificates.CA_FILE, LabCertificates.certFile(who), LabCertificates.keyFile(who))
                .map(k -> new KeyToPathBuilder().withKey(k).withPath(k).build()).toList();
        return new PodSpecBuilder().withRestartPolicy(restart).addToContainers(c)
                .addNewVolume().withName("scenario").withNewConfigMap().withName(p + "-scenario").endConfigMap().endVolume()
                .addNewVolume().withName("secret").withNewSecret().withSecretName(p + "-token").withDefaultMode(0400).withItems(items).endSecret().endVolume()
                .addNewVolume().withName("kvm").withNewHostPath().withPath("/dev/kvm").withType("").endHostPath().endVolume()
                .addNewVolume().withName("tun").withNewHostPath().withPath("/dev/net/tun").withType("CharDevice").endHostPath().endVolume()
                .addNewVolume().withName("modules").withNewHostPath().withPath("/lib/modules").withType("Directory").endHostPath().endVolume();
    }
}
