package dev.netloom.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Up and down against fabric8's Kubernetes mock server in CRUD mode (it stores what is created, lists and deletes it). */
@EnableKubernetesMockClient(crud = true)
class ClusterTest {

    KubernetesClient client;

    @Test
    void up_createsEveryObject_upAgainReplaces_downDeletesOnlyTheLabs() {
        List<HasMetadata> objects = ManifestsTest.render();
        // something else in the namespace that down must leave alone
        client.pods().inNamespace("labs").resource(new PodBuilder().withNewMetadata().withName("other").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()).create();
        List<String> said = new ArrayList<>();
        Cluster.up(client, objects, said::add);
        assertThat(said).hasSize(7).first().isEqualTo("ConfigMap labs/netloom-ring-scenario");
        assertThat(client.pods().inNamespace("labs").withLabel(Manifests.LAB_LABEL, "ring").list().getItems()).hasSize(3);
        assertThat(client.batch().v1().jobs().inNamespace("labs").withName("netloom-ring-coordinator").get()).isNotNull();
        assertThat(client.secrets().inNamespace("labs").withName("netloom-ring-token").get().getMetadata().getLabels())
                .containsEntry(Manifests.LAB_LABEL, "ring");

        Cluster.up(client, objects, s -> { }); // again: replaced, not refused
        assertThat(client.pods().inNamespace("labs").withLabel(Manifests.LAB_LABEL, "ring").list().getItems()).hasSize(3);

        assertThat(Cluster.down(client, "labs", "ring", s -> { })).isEqualTo(7);
        assertThat(client.pods().inNamespace("labs").list().getItems()).extracting(p -> p.getMetadata().getName()).containsExactly("other");
        assertThat(client.services().inNamespace("labs").list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace("labs").withLabel(Manifests.LAB_LABEL).list().getItems()).isEmpty();
        assertThat(Cluster.down(client, "labs", "ring", s -> { })).isZero();
    }
}
