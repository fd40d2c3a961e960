package dev.netloom.nodes;

import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.console.ShellSession;
import dev.netloom.nodes.qmp.QmpClient;

/**
 * A node's open connections to its QEMU: console, shell and QMP, each null until connected. Not
 * thread-safe: {@link QemuNode} reads and writes it only under its own lock.
 */
final class NodeChannels {

    ConsoleSession console;
    ShellSession shell;
    QmpClient qmp;

    /** Moves every connection into a new holder and leaves this one empty; close the returned one outside the lock. */
    NodeChannels detach() {
        NodeChannels open = new NodeChannels();
        open.console = console;
        open.shell = shell;
        open.qmp = qmp;
        console = null;
        shell = null;
        qmp = null;
        return open;
    }

    /** Closes shell, console and QMP, in that order. */
    void close() {
        if (shell != null) {
            shell.close();
        }
        if (console != null) {
            console.close();
        }
        if (qmp != null) {
            qmp.close();
        }
    }
}
