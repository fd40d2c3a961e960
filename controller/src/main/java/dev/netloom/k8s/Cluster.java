package dev.netloom.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.List;
import java.util.function.Consumer;

/**
 * Puts a lab's objects ({@link Manifests}) into a cluster and takes them out again, through the
 * Kubernetes API with the fabric8 client. Up replaces what an earlier up of the same lab left;
 * down deletes every object with the lab's label, the Job's pods with it (background propagation).
 */
public final class Cluster {

    private Cluster() {
    }

    /** Creates (or replaces) every object, in order. */
    public static void up(KubernetesClient client, List<HasMetadata> objects, Consumer<String> say) {
        for (HasMetadata o : objects) {
            client.resource(o).createOr(existing -> existing.update());
            say.accept(o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName());
        }
    }

    /** Deletes every object of {@code lab} in {@code namespace}; returns how many there were. */
    public static int down(KubernetesClient client, String namespace, String lab, Consumer<String> say) {
        int n = 0;
        n += deleted(client.batch().v1().jobs().inNamespace(namespace).withLabel(Manifests.LAB_LABEL, lab).list().getItems(), client, say);
        n += deleted(client.pods().inNamespace(namespace).withLabel(Manifests.LAB_LABEL, lab).list().getItems(), client, say);
        n += deleted(client.services().inNamespace(namespace).withLabel(Manifests.LAB_LABEL, lab).list().getItems(), client, say);
        n += deleted(client.secrets().inNamespace(namespace).withLabel(Manifests.LAB_LABEL, lab).list().getItems(), client, say);
        n += deleted(client.configMaps().inNamespace(namespace).withLabel(Manifests.LAB_LABEL, lab).list().getItems(), client, say);
        return n;
    }

    private static int deleted(List<? extends HasMetadata> items, KubernetesClient client, Consumer<String> say) {
        for (HasMetadata o : items) {
            client.resource(o).withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
            say.accept("deleted " + o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName());
        }
        return items.size();
    }
}
