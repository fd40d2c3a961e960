package dev.netloom.nodes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The listeners of one node's state changes: each is told every change, and one that throws disturbs no other. */
final class StateListeners {

    private static final Logger log = LoggerFactory.getLogger(StateListeners.class);

    private final List<Consumer<QemuNode.StateChange>> listeners = new CopyOnWriteArrayList<>();

    void add(Consumer<QemuNode.StateChange> listener) {
        listeners.add(listener);
    }

    void addAll(List<Consumer<QemuNode.StateChange>> more) {
        listeners.addAll(more);
    }

    /** Tells every listener, in the order they were added; a failing listener is logged and skipped. */
    void fire(QemuNode.StateChange change) {
        for (Consumer<QemuNode.StateChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                log.warn("node {}: a state listener failed: {}", change.node(), e.toString());
            }
        }
    }
}
