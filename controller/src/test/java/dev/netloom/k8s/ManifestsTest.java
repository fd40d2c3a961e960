package dev.netloom.k8s;

import dev.netloom.partition.HostSpec;
import dev.netloom.scenario.ImageCheck;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered manifests, checked through fabric8's typed model, which is generated from the
 * Kubernetes API's OpenAPI schema: every YAML document reads back into the typed object of its kind
 * with no field the schema lacks (those land in additionalProperties) and equal to what was rendered.
 */
class ManifestsTest {

    static final String TEXT;
    static final Scenario RING;

    static {
        try {
            TEXT = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("scenarios").resolve("ring.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RING = new ScenarioLoader(ImageCheck.ANY).load(TEXT, "ring.json");
    }

    static List<HasMetadata> render() {
        return Manifests.render(RING, TEXT, HostSpec.parseList("3"), new Manifests.Options("labs", "registry.example/netloom:0.1", "t".repeat(64),
                dev.netloom.agent.LabCertificates.create(List.of("h1", "h2", "h3"))));
    }

    @Test
    void everyObject_roundTripsThroughTheTypedModel_withNoUnknownField() throws Exception {
        for (HasMetadata o : render()) {
            String yaml = Serialization.asYaml(o);
            KubernetesResource back = Serialization.unmarshal(yaml);
            assertThat(back).as(yaml).isEqualTo(o).isInstanceOf(o.getClass());
            assertThat(unknownFields(back)).as(o.getKind() + " " + o.getMetadata().getName()).isEmpty();
            assertThat(o.getMetadata().getName()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
            assertThat(o.getMetadata().getLabels()).containsEntry(Manifests.LAB_LABEL, "ring");
        }
    }

    @Test
    void theLab_isAConfigMapASecretAHeadlessServiceAPodPerHostAndAJob() {
        List<HasMetadata> all = render();
        assertThat(all).extracting(HasMetadata::getKind).containsExactly("ConfigMap", "Secret", "Service", "Pod", "Pod", "Pod", "Job");
        assertThat(((ConfigMap) all.get(0)).getData()).containsEntry("scenario.json", TEXT);
        assertThat(((Secret) all.get(1)).getStringData()).containsEntry("token", "t".repeat(64));
        Service svc = (Service) all.get(2);
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(svc.getSpec().getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort()).containsExactly("TCP/7400", "UDP/4789");
        Pod h2 = (Pod) all.get(4);
        assertThat(h2.getMetadata().getName()).isEqualTo("netloom-ring-h2");
        assertThat(h2.getSpec().getSubdomain()).isEqualTo(svc.getMetadata().getName());
        assertThat(h2.getSpec().getContainers().get(0).getSecurityContext().getPrivileged()).isTrue();
        assertThat(h2.getSpec().getVolumes()).extracting(v -> v.getHostPath() == null ? v.getName() : v.getHostPath().getPath())
                .contains("/dev/kvm", "/dev/net/tun");
        assertThat(h2.getSpec().getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().get(0).getTopologyKey())
                .isEqualTo("kubernetes.io/hostname");
        String cmd = h2.getSpec().getContainers().get(0).getCommand().get(2);
        assertThat(cmd).contains("for h in h1 h2 h3;").endsWith("exec netloom agent /etc/netloom/scenario.json --hosts \"$H\" --host h2 --token-file /etc/netloom-secret/token --tls-dir /etc/netloom-secret");
        assertThat(h2.getSpec().getContainers().get(0).getResources().getRequests()).containsKey("memory");
        // the Secret has every key of the set; a pod mounts the token, the CA and its own pair only
        assertThat(((Secret) all.get(1)).getStringData()).containsKeys("ca.crt", "coordinator.key", "agent-h1.key", "agent-h2.key", "agent-h3.key");
        assertThat(secretItems(h2.getSpec())).containsExactly("token", "ca.crt", "agent-h2.crt", "agent-h2.key");
        assertThat(secretItems(((Job) all.get(6)).getSpec().getTemplate().getSpec())).containsExactly("token", "ca.crt", "coordinator.crt", "coordinator.key");
        Job job = (Job) all.get(6);
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2)).contains("exec netloom coordinate");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("OnFailure");
    }

    private static List<String> secretItems(io.fabric8.kubernetes.api.model.PodSpec spec) {
        return spec.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow().getSecret().getItems().stream()
                .map(io.fabric8.kubernetes.api.model.KeyToPath::getKey).toList();
    }

    /** Every additionalProperties entry anywhere in a model object: fields its schema does not have. */
    static List<String> unknownFields(Object root) throws Exception {
        List<String> out = new ArrayList<>();
        walk(root, "", out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void walk(Object o, String path, List<String> out, Set<Object> seen) throws Exception {
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model") || !seen.add(o)) {
            if (o instanceof Collection<?> c) {
                int i = 0;
                for (Object e : c) {
                    walk(e, path + "[" + i++ + "]", out, seen);
                }
            } else if (o instanceof Map<?, ?> m) {
                for (var e : m.entrySet()) {
                    walk(e.getValue(), path + "." + e.getKey(), out, seen);
                }
            }
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
                continue;
            }
            Object v = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) v).keySet().forEach(k -> out.add(path + "." + k));
            } else {
                walk(v, path + "." + m.getName().substring(3), out, seen);
            }
        }
    }
}
